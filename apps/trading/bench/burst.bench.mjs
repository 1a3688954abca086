// The seed's 70-order burst (50 unique + 20 duplicates, all at once) against the built service on real
// Postgres, Redis and InfluxDB, ROUNDS times (a fresh schema and Redis DB each round). Reports the submission
// latency (p50, p99 over every submission) and executed orders per second of a burst, beside the anchor:
// the same 50 orders as bare single-statement INSERTs into Postgres (no HTTP, no Redis, no idempotency).
// Writes bench/results/burst.json. Run after `pnpm build`.
import { writeFileSync } from 'node:fs'
import { startInfluxDB } from '@infra/influxdb-fixture'
import { startPostgres } from '@infra/pg-fixture'
import { startRedis } from '@infra/redis-fixture'
import pg from 'pg'
import { startTradingApp } from '../dist/index.js'

const ROUNDS = 5
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
const order = (n) => ({ symbol: 'ACME', side: n % 2 ? 'buy' : 'sell', quantity: `${n}.5`, price: `10.${n}` })

const postgres = await startPostgres()
const redis = await startRedis()
const influx = await startInfluxDB()
const latencies = []
const rates = []
const anchorRates = []
try {
  for (let round = 0; round < ROUNDS; round++) {
    const schema = await postgres.schema()
    const ns = await redis.isolated()
    const db = await influx.database()
    const app = await startTradingApp({
      databaseUrl: schema.url,
      redisUrl: ns.url,
      influxUrl: influx.url,
      influxDatabase: db.name,
      influxRetentionPolicy: db.retentionPolicy,
    })
    const unique = Array.from({ length: 50 }, (_, i) => ({ key: `b-${i}`, body: order(i + 1) }))
    const burst = [...unique, ...Array.from({ length: 20 }, (_, i) => unique[(i * 7) % 50])]
    const started = performance.now()
    const answers = await Promise.all(
      burst.map(async ({ key, body }) => {
        const t = performance.now()
        const res = await fetch(`${app.url}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        })
        await res.json()
        latencies.push(performance.now() - t)
        return res.status
      }),
    )
    const elapsed = performance.now() - started
    const executed = answers.filter((s) => s === 201).length
    if (executed !== 50) throw new Error(`round ${round}: ${executed} orders executed, expected 50`)
    rates.push(executed / (elapsed / 1000))
    await app.close()

    // anchor: 50 concurrent bare INSERTs on a pool of the same size
    const pool = new pg.Pool({ connectionString: schema.url, max: 10 })
    await pool.query('CREATE TABLE anchor (k text PRIMARY KEY, quantity numeric(30,8), price numeric(30,8))')
    const a0 = performance.now()
    await Promise.all(
      unique.map(({ key, body }) =>
        pool.query('INSERT INTO anchor VALUES ($1, $2, $3)', [key, body.quantity, body.price]),
      ),
    )
    anchorRates.push(50 / ((performance.now() - a0) / 1000))
    await pool.end()
    await schema.drop()
    await ns.release()
    await db.release()
  }
} finally {
  await influx.stop()
  await redis.stop()
  await postgres.stop()
}
latencies.sort((a, b) => a - b)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const round2 = (x) => Math.round(x * 100) / 100
const result = {
  rounds: ROUNDS,
  submissions_per_round: 70,
  submit_p50_ms: round2(pct(latencies, 50)),
  submit_p99_ms: round2(pct(latencies, 99)),
  executed_orders_per_s_p50: round2(median(rates)),
  anchor_bare_insert_orders_per_s_p50: round2(median(anchorRates)),
  machine: '2 shared cores, other helpers running tests',
  at: new Date().toISOString(),
}
writeFileSync(new URL('./results/burst.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`)
console.log(result)
