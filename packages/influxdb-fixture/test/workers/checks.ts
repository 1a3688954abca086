import fs from 'node:fs'
import { test as base, expect, inject } from 'vitest'
import { influxFixtures } from '../../src/vitest.js'

const test = base.extend(influxFixtures)

/** 20 tests, each in its own database (the global setup's retention policy), reported to the parent. */
export function defineChecks(worker: string): void {
  for (let i = 0; i < 20; i++) {
    test(`${worker} #${i} has a database of its own`, async ({ influx, influxServer }) => {
      expect(influxServer.url).toBe(inject('infraInfluxDB').url)
      expect(influx.retentionPolicy).toBe('trades')
      const base = 1_700_000_000_000_000_000n
      await influx.write(
        Array.from({ length: i + 1 }, (_, k) => `exec,worker=${worker} n=${k}i ${base + BigInt(k)}`),
      )
      const [row] = await influx.query<{ n: number }>('SELECT count(n) AS n FROM exec')
      expect(row!.n).toBe(i + 1)
      fs.appendFileSync(
        process.env.WORKERS_REPORT!,
        `${JSON.stringify({ worker, i, db: influx.name, port: influxServer.port, pid: process.pid })}\n`,
      )
    })
  }
}
