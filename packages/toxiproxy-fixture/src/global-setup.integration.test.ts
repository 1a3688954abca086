import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runVitest } from '@infra/vitest-config/spawn'
import { describe, expect, it } from 'vitest'

const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('toxiproxyGlobalSetup in a real vitest run', () => {
  it('one server for the run, links of each worker kept apart, the server gone after', async () => {
    const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'toxi-gs-')), 'report.jsonl')
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
      .map((l) => JSON.parse(l) as { file: string; api: string; proxy: string; pid: number })
    fs.rmSync(path.dirname(report), { recursive: true, force: true })
    expect(rows.map((r) => r.file).sort()).toEqual(['a', 'b'])
    expect(rows[0]!.api).toBe(rows[1]!.api)
    expect(rows[0]!.proxy).not.toBe(rows[1]!.proxy)
    // the global teardown stopped the server
    await expect(fetch(`${rows[0]!.api}/version`)).rejects.toThrow()
  })
})
