import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isPidAlive } from '@infra/fixture-core'
import { runVitest } from '@infra/vitest-config/spawn'
import { describe, expect, it } from 'vitest'

const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('redisGlobalSetup in a real vitest run', () => {
  it('one server for the run, a distinct DB per test across workers, nothing left after', async () => {
    const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'redis-gs-')), 'report.jsonl')
    const { code, output } = await runVitest('test/global-setup/vitest.config.ts', {
      cwd: pkg,
      env: { GLOBAL_SETUP_REPORT: report, INFRA_WATCHDOG_SOCKET: '', INFRA_RUN_DIR: '' },
      timeoutMs: 50_000,
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
