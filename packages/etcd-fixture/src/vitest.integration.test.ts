import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runVitest } from '@infra/vitest-config/spawn'
import { Etcd3 } from 'etcd3'
import { describe, expect } from 'vitest'
import { test } from './vitest.js'

const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

// No global setup in this package's config: `etcdServer` falls back to a 1-node cluster per worker.
describe('vitest fixtures', () => {
  const prefixes: string[] = []

  test('each test gets its own namespace on a real etcd', async ({ etcdServer, etcd }) => {
    prefixes.push(etcd.prefix)
    expect(etcd.prefix.startsWith(etcdServer.keyPrefix)).toBe(true)
    await etcd.client().put('a').value('1')
    expect(await etcdServer.client().get(etcd.key('a'))).toBe('1')
  })

  test('the next test gets another, empty one; the last one was deleted', async ({ etcdServer, etcd }) => {
    prefixes.push(etcd.prefix)
    expect(new Set(prefixes).size).toBe(2)
    expect(await etcd.client().getAll().keys()).toEqual([])
    expect(await etcdServer.client().getAll().prefix(prefixes[0]!).keys()).toEqual([])
  })

  test('without a global setup the worker owns its cluster: faults are available', async ({ etcdServer }) => {
    expect(etcdServer.provider).toBe('local')
    await etcdServer.pause(0)
    // the only node hangs: cluster-state queries give up with a typed error instead of hanging too
    await expect(etcdServer.members()).rejects.toThrow(/a live etcd node to list the members/)
    await etcdServer.resume(0)
    await etcdServer.waitForLeader({ timeoutMs: 15_000 })
  })

  test('etcdGlobalSetup in a real vitest run: one cluster shared by the workers, gone after the run', async () => {
    const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-gs-')), 'report.jsonl')
    const { code, output } = await runVitest('test/global-setup/vitest.config.ts', {
      cwd: pkg,
      env: { GLOBAL_SETUP_REPORT: report, INFRA_WATCHDOG_SOCKET: '', INFRA_RUN_DIR: '' },
      timeoutMs: 50_000,
    })
    expect(code, output).toBe(0)
    const [row] = fs
      .readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { endpoints: string[]; key: string })
    fs.rmSync(path.dirname(report), { recursive: true, force: true })
    expect(row!.endpoints).toHaveLength(3)
    // the global teardown stopped the cluster: nothing answers on its endpoints any more
    const probe = new Etcd3({ hosts: row!.endpoints, dialTimeout: 500 })
    try {
      await expect(probe.get(row!.key).options({ deadline: Date.now() + 1_000 })).rejects.toThrow()
    } finally {
      probe.close()
    }
  }, 60_000)
})
