import fs from 'node:fs'
import { test as base, expect, inject } from 'vitest'
import { clickhouseFixtures } from '../../src/vitest.js'

const test = base.extend(clickhouseFixtures)

/** 20 tests, each in its own database (migrated by the global setup's migrations), reported to the parent. */
export function defineChecks(worker: string): void {
  for (let i = 0; i < 20; i++) {
    test(`${worker} #${i} has a database of its own`, async ({ clickhouse, clickhouseServer }) => {
      expect(clickhouseServer.url).toBe(inject('infraClickHouse').url)
      const rows = Array.from({ length: i + 1 }, (_, k) => ({ ts: 1_700_000_000 + k, worker, n: k }))
      await clickhouse.insert('events', rows)
      const [count] = await clickhouse.query<{ n: string; workers: string }>(
        'SELECT count() AS n, uniqExact(worker) AS workers FROM events',
      )
      expect(count).toEqual({ n: String(i + 1), workers: '1' })
      fs.appendFileSync(
        process.env.WORKERS_REPORT!,
        `${JSON.stringify({ worker, i, db: clickhouse.name, port: clickhouseServer.port, pid: process.pid })}\n`,
      )
    })
  }
}
