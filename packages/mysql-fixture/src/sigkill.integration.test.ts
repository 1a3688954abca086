import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isPidAlive, waitFor } from '@infra/fixture-core'
import { afterAll, expect, it } from 'vitest'
import { spawnVitest } from './nested-vitest.js'

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mysql-killed-'))
afterAll(() => fs.rmSync(out, { recursive: true, force: true }))

it('a runner killed by SIGKILL leaves no mariadbd process and no data dir within 3 s', {
  timeout: 90_000,
}, async () => {
  const child = spawnVitest('test/fixtures/killed/vitest.config.ts', { MYSQL_KILLED_OUT: out }, pkg)
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
      what: `the nested runner to hold a database connection (output so far:\n${output})`,
      timeoutMs: 60_000,
      intervalMs: 50,
    })
    const server = JSON.parse(fs.readFileSync(path.join(out, 'server.json'), 'utf8')) as {
      pid: number
      dataDir: string
    }
    expect(isPidAlive(server.pid)).toBe(true)
    expect(fs.existsSync(server.dataDir)).toBe(true)

    // the whole runner (main process and its workers) dies at once; no cleanup code of ours runs
    process.kill(-child.pid!, 'SIGKILL')
    await exited
    await waitFor(() => !isPidAlive(server.pid) && !fs.existsSync(path.dirname(server.dataDir)), {
      what: `mariadbd (pid ${server.pid}) and its directory ${path.dirname(server.dataDir)} to be gone`,
      timeoutMs: 3_000,
      intervalMs: 20,
    })
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})
