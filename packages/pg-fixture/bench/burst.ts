// Clone-pool bursts: fast tests (0 ms) take databases faster than clones are made. Part of pg.bench.ts.
import pg from 'pg'
import { connectPostgres, type Postgres } from '../src/index.js'

const BURST_HANDOUTS = 200
const BURST_WORKERS = 2
const SEQUENTIAL_CREATES = 40

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}
export const round = (x: number) => Math.round(x * 100) / 100

/** A 0 ms test that writes one row: its database is dirty and must be re-cloned. */
async function writingTest(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  await c.query("INSERT INTO users (email, name) VALUES ('burst@example.com', 'burst')")
  await c.end()
}

/**
 * `BURST_HANDOUTS` handouts by `BURST_WORKERS` workers, each with a handle of its own on `server` (as
 * vitest workers attached to a global setup's server), every test 0 ms long. `touch`: each test connects
 * and writes (a re-clone per test); else it gives its database back untouched.
 */
async function burst(server: Postgres, touch: boolean): Promise<{ handout: number[]; perS: number }> {
  const workers = Array.from({ length: BURST_WORKERS }, () => connectPostgres(server.connectionInfo))
  try {
    // let each worker's pool fill, as between a worker's start and its first test
    await new Promise((r) => setTimeout(r, 500))
    const handout: number[] = []
    const t0 = performance.now()
    await Promise.all(
      workers.map(async (w) => {
        for (let i = 0; i < BURST_HANDOUTS / BURST_WORKERS; i++) {
          const t = performance.now()
          const db = await w.database()
          handout.push(performance.now() - t)
          if (touch) await writingTest(db.url)
          await db.drop()
        }
      }),
    )
    const perS = BURST_HANDOUTS / ((performance.now() - t0) / 1000)
    return { handout, perS }
  } finally {
    for (const w of workers) await w.stop()
  }
}

/** Sequential `CREATE DATABASE … TEMPLATE` on one connection (`strategy` as given), timed one by one. */
async function sequentialCreates(server: Postgres, strategy: string): Promise<number[]> {
  const admin = new pg.Client({ connectionString: server.url })
  await admin.connect()
  const times: number[] = []
  try {
    for (let i = 0; i < SEQUENTIAL_CREATES; i++) {
      const t0 = performance.now()
      await admin.query(`CREATE DATABASE seq_anchor_${i} TEMPLATE ${server.template}${strategy}`)
      times.push(performance.now() - t0)
    }
  } finally {
    for (let i = 0; i < SEQUENTIAL_CREATES; i++) await admin.query(`DROP DATABASE IF EXISTS seq_anchor_${i}`)
    await admin.end()
  }
  return times
}

export async function burstBench(server: Postgres) {
  const fileCopy = server.serverVersionNum >= 150000 ? ' STRATEGY FILE_COPY' : ''
  const single = await sequentialCreates(server, fileCopy) // what the pool runs for one clone
  const plain = await sequentialCreates(server, '') // what a suite without a pool runs
  const touched = await burst(server, true)
  const untouched = await burst(server, false)
  return {
    single_clone_ms: round(pct(single, 50)),
    burst_handout_p50_ms: round(pct(touched.handout, 50)),
    burst_handout_p99_ms: round(pct(touched.handout, 99)),
    burst_dbs_per_s: round(touched.perS),
    anchor_create_database_per_s: round(SEQUENTIAL_CREATES / (plain.reduce((a, b) => a + b, 0) / 1000)),
    burst_untouched_handout_p99_ms: round(pct(untouched.handout, 99)),
    burst_untouched_dbs_per_s: round(untouched.perS),
  }
}
