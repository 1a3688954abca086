import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runVitest } from '@infra/vitest-config/spawn'
import { describe, expect, it } from 'vitest'

const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

interface Row {
  worker: string
  i: number
  db: string
  port: number
  pid: number
}

describe('influxGlobalSetup in a real vitest run', () => {
  it('2 workers × 20 tests share one server, each test in its own database; nothing left after', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'influx-workers-'))
    const report = path.join(dir, 'report.jsonl')
    try {
      const { code, output } = await runVitest('test/workers/vitest.config.ts', {
        cwd: pkg,
        env: { WORKERS_REPORT: report, INFRA_WATCHDOG_SOCKET: '', INFRA_RUN_DIR: '' },
        timeoutMs: 40_000,
      })
      expect(code, output).toBe(0)
      const rows = fs
        .readFileSync(report, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Row)
      expect(rows).toHaveLength(40)
      expect(new Set(rows.map((r) => r.db)).size).toBe(40)
      expect(new Set(rows.map((r) => r.port)).size).toBe(1)
      expect(new Set(rows.map((r) => r.pid)).size).toBe(2) // two worker processes
      // the global teardown stopped the server
      const port = rows[0]!.port
      await expect(fetch(`http://127.0.0.1:${port}/ping`)).rejects.toThrow()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
