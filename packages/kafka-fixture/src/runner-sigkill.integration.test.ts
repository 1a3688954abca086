import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isPidAlive, waitFor } from '@infra/fixture-core'
import { expect, it } from 'vitest'

const pkgDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)))

// its own waits (90 s start, 30 s + 30 s cleanup) bound it and say what they waited for
it('a runner killed by SIGKILL leaves no Kafka JVM and no data dir behind', {
  timeout: 160_000,
}, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/runner-child.ts', '3'], {
    cwd: pkgDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
  try {
    const info = await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`runner exited early: ${err}`)
        const line = out.split('\n').find((l) => l.startsWith('{'))
        return line ? (JSON.parse(line) as { pids: number[]; dirs: string[] }) : undefined
      },
      { what: 'the runner to start a 3-node Kafka and print its pids', timeoutMs: 90_000, intervalMs: 50 },
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nrunner stderr: ${err.slice(-4000)}`)
    })
    expect(info.pids).toHaveLength(3)
    for (const pid of info.pids) expect(isPidAlive(pid)).toBe(true)
    for (const dir of info.dirs) expect(fs.existsSync(dir)).toBe(true)

    child.kill('SIGKILL')
    await waitFor(() => info.pids.every((pid) => !isPidAlive(pid)), {
      what: `the watchdog to kill the runner's Kafka JVMs (pids ${info.pids.join(', ')})`,
      timeoutMs: 30_000,
      intervalMs: 100,
    })
    await waitFor(() => info.dirs.every((d) => !fs.existsSync(d)), {
      what: 'the watchdog to remove the brokers’ data dirs',
      timeoutMs: 30_000,
      intervalMs: 100,
    })
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
  }
})
