import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { isPidAlive } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'

const here = path.dirname(fileURLToPath(import.meta.url))
const runner = path.join(here, '..', 'test', 'sigkill-runner.mjs')

describe('a runner killed by SIGKILL', () => {
  it('leaves no influxd within 3 s, and no directory', async () => {
    expect(fs.existsSync(path.join(here, '..', 'dist', 'index.js')), 'build the package first').toBe(true)
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
    const deadline = Date.now() + 30_000
    while (!out.includes('\n') && child.exitCode === null && Date.now() < deadline) await sleep(20)
    expect(out, `runner output; stderr:\n${err}`).toContain('pid')
    const { pid, dir } = JSON.parse(out.split('\n')[0]!) as { pid: number; dir: string }
    expect(isPidAlive(pid)).toBe(true)
    child.kill('SIGKILL')
    const killedAt = Date.now()
    await new Promise((r) => child.once('exit', r))
    while (isPidAlive(pid) && Date.now() - killedAt < 3_000) await sleep(25)
    expect(isPidAlive(pid), 'influxd still alive 3 s after the runner died').toBe(false)
    while (fs.existsSync(dir) && Date.now() - killedAt < 10_000) await sleep(50)
    expect(fs.existsSync(dir)).toBe(false)
  })
})
