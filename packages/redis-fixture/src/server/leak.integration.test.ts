import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { isPidAlive } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'

const here = path.dirname(fileURLToPath(import.meta.url))
const runner = path.join(here, '..', '..', 'test', 'sigkill-runner.mjs')

describe('a runner killed by SIGKILL', () => {
  it('leaves no redis process and no directory behind', async () => {
    expect(
      fs.existsSync(path.join(here, '..', '..', 'dist', 'index.js')),
      'build the package first (pnpm build)',
    ).toBe(true)
    // its own run dir and watchdog, like a separate test run
    const env = { ...process.env, INFRA_WATCHDOG_SOCKET: '', INFRA_RUN_DIR: '' }
    const child = spawn(process.execPath, [runner], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c
    })
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      err += c
    })
    const deadline = Date.now() + 45_000
    while (!out.includes('\n') && child.exitCode === null && Date.now() < deadline) await sleep(20)
    expect(out, `runner output; stderr:\n${err}`).toContain('pids')
    const { pids, dirs } = JSON.parse(out.split('\n')[0]!) as { pids: number[]; dirs: string[] }
    expect(pids).toHaveLength(1 + 5 + 3)
    expect(pids.every(isPidAlive)).toBe(true)
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const until = Date.now() + 15_000
    while (pids.some(isPidAlive) && Date.now() < until) await sleep(50)
    expect(pids.filter(isPidAlive)).toEqual([])
    while (dirs.some((d) => fs.existsSync(d)) && Date.now() < until) await sleep(50)
    expect(dirs.filter((d) => fs.existsSync(d))).toEqual([])
  })
})
