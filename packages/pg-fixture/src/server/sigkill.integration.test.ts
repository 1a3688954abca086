import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from '@infra/fixture-core'
import { spawnVitest } from '@infra/vitest-config/spawn'
import { afterAll, expect, it } from 'vitest'
import { descendantPids, isRunning } from './process-tree.js'

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-killed-'))
afterAll(() => fs.rmSync(out, { recursive: true, force: true }))

it('a test runner killed by SIGKILL leaves no postgres process and no data dir behind', {
  timeout: 90_000,
}, async () => {
  const child = spawnVitest('test/fixtures/killed/vitest.config.ts', { PG_KILLED_OUT: out }, pkg)
  let output = ''
  child.stdout!.on('data', (c) => {
    output += c
  })
  child.stderr!.on('data', (c) => {
    output += c
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    await waitFor(() => fs.existsSync(path.join(out, 'ready')), {
      what: `the nested runner to hold a database (output so far:\n${output})`,
      timeoutMs: 60_000,
      intervalMs: 50,
    })
    const server = JSON.parse(fs.readFileSync(path.join(out, 'server.json'), 'utf8')) as {
      postmaster: number
      dataDir: string
    }
    // the postmaster and every backend it forked, by pid (never by name)
    const pids = [server.postmaster, ...descendantPids(server.postmaster)]
    expect(pids.length).toBeGreaterThan(3)
    expect(pids.every(isRunning)).toBe(true)
    expect(fs.existsSync(server.dataDir)).toBe(true)

    // the whole runner (main process and its workers) dies at once, no cleanup code runs
    process.kill(-child.pid!, 'SIGKILL')
    await exited
    await waitFor(() => pids.every((p) => !isRunning(p)), {
      what: `postgres processes ${pids.join(', ')} to be gone after the runner was killed`,
      timeoutMs: 20_000,
    })
    await waitFor(() => !fs.existsSync(server.dataDir), {
      what: `the data directory ${server.dataDir} to be removed`,
      timeoutMs: 20_000,
    })
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})
