import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isPidAlive } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'

const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('redisGlobalSetup in a real vitest run', () => {
  it('one server for the run, a distinct DB per test across workers, nothing left after', async () => {
    const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'redis-gs-')), 'report.jsonl')
    const vitestBin = path.join(pkg, 'node_modules', 'vitest', 'vitest.mjs')
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GLOBAL_SETUP_REPORT: report,
      INFRA_WATCHDOG_SOCKET: '',
      INFRA_RUN_DIR: '',
    }
    delete env.VITEST
    delete env.VITEST_POOL_ID
    delete env.VITEST_WORKER_ID
    const child = spawn(
      process.execPath,
      [vitestBin, 'run', '--config', 'test/global-setup/vitest.config.ts'],
      {
        cwd: pkg,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      output += c
    })
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      output += c
    })
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 50_000)
      child.once('exit', (c) => {
        clearTimeout(timer)
        resolve(c)
      })
    })
    expect(code, output).toBe(0)
    const rows = fs
      .readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; port: number; db: number; pid: number })
    fs.rmSync(path.dirname(report), { recursive: true, force: true })
    expect(rows.map((r) => r.file).sort()).toEqual(['a', 'b'])
    expect(rows[0]!.port).toBe(rows[1]!.port)
    expect(rows[0]!.db).not.toBe(rows[1]!.db)
    // the global teardown stopped the server
    expect(rows[0]!.pid).toBe(rows[1]!.pid)
    expect(isPidAlive(rows[0]!.pid)).toBe(false)
  })
})
