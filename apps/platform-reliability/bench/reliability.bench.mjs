// pnpm --filter platform-reliability bench → bench/results/reliability.json
// 1. Cache: the read-heavy workload of the caching suite (two app instances, skewed reads over 200 accounts,
//    1% writes that invalidate across instances) on a 3-master Redis Cluster, hit ratio from the cache's own
//    metrics, and the read latency through the cache. Anchor, same run, same reads: straight from Postgres.
// 2. Tasks: one BullMQ task at a time on a Redis server, latency from add() to the completed event seen by
//    the caller (p50/p99). Anchor, same run, same server: an LPUSH → BRPOP round trip (the floor of any queue
//    on that Redis).
// Everything shares this machine (2 cores, other runs at the same time): the load average is recorded.
import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startPostgres } from '@infra/pg-fixture'
import { startRedis, startRedisCluster } from '@infra/redis-fixture'
import pgLib from 'pg'
import { AccountsRepository, CachedAccounts, migrationsDir, TaskQueue, TwoLevelCache } from '../dist/index.js'

const READS = Number(process.env.BENCH_READS ?? 5000)
const TASKS = Number(process.env.BENCH_TASKS ?? 300)
const round2 = (x) => Math.round(x * 100) / 100
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return round2(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))])
}
const now = () => performance.now()

async function cacheBench(pool, cluster) {
  const ns = await cluster.isolated()
  try {
    const apps = []
    for (let i = 0; i < 2; i++) {
      const cache = new TwoLevelCache({
        redis: ns.client(),
        subscriber: ns.client(),
        channel: ns.channel('inv'),
        localTtlMs: 2000,
      })
      await cache.start()
      apps.push(new CachedAccounts(new AccountsRepository(pool), cache))
    }
    await pool.query(
      `INSERT INTO accounts (owner, balance) SELECT 'u' || g, 100 FROM generate_series(1, 200) g`,
    )
    const ids = (await pool.query('SELECT id::int FROM accounts ORDER BY id')).rows.map((r) => r.id)
    let seed = 11
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const cached = []
    const direct = []
    for (let i = 0; i < READS; i++) {
      const app = apps[i % 2]
      const id = ids[Math.floor(rand() ** 2 * ids.length)]
      if (rand() < 0.01) {
        await app.rename(id, `renamed-${i}`)
        continue
      }
      let t = now()
      await app.get(id)
      cached.push(now() - t)
      t = now()
      await app.repo.get(id) // anchor: the same read without the cache
      direct.push(now() - t)
    }
    const metrics = apps.map((a) => a.cache.metrics())
    const hits = metrics.reduce((n, m) => n + m.localHits + m.remoteHits, 0)
    const reads = hits + metrics.reduce((n, m) => n + m.misses, 0)
    return {
      cache_reads: reads,
      cache_hit_ratio: round2(hits / reads),
      cache_local_hits: metrics.reduce((n, m) => n + m.localHits, 0),
      cache_remote_hits: metrics.reduce((n, m) => n + m.remoteHits, 0),
      cache_misses: reads - hits,
      cached_read_p50_ms: pct(cached, 50),
      cached_read_p99_ms: pct(cached, 99),
      anchor_postgres_read_p50_ms: pct(direct, 50),
      anchor_postgres_read_p99_ms: pct(direct, 99),
    }
  } finally {
    await ns.release()
  }
}

async function taskBench(redis) {
  const ns = await redis.isolated()
  const tasks = new TaskQueue({
    connection: {
      host: ns.host,
      port: ns.port,
      db: ns.db,
      password: decodeURIComponent(new URL(ns.url).password) || undefined,
      maxRetriesPerRequest: null,
    },
    name: 'bench',
  })
  const plain = ns.client()
  const blocking = ns.client()
  try {
    await tasks.work(async (job) => job.data.n)
    await tasks.events.waitUntilReady()
    const latencies = []
    const anchor = []
    for (let n = 0; n < TASKS; n++) {
      let t = now()
      const job = await tasks.add('t', { n })
      await job.waitUntilFinished(tasks.events, 30_000)
      latencies.push(now() - t)
      t = now()
      await plain.lpush('anchor', String(n))
      await blocking.brpop('anchor', 5)
      anchor.push(now() - t)
    }
    return {
      tasks: TASKS,
      task_latency_p50_ms: pct(latencies, 50),
      task_latency_p99_ms: pct(latencies, 99),
      task_under_1s_ratio: round2(latencies.filter((l) => l < 1000).length / latencies.length),
      anchor_redis_lpush_brpop_p50_ms: pct(anchor, 50),
      anchor_redis_lpush_brpop_p99_ms: pct(anchor, 99),
    }
  } finally {
    await tasks.close()
    await ns.release()
  }
}

const started = now()
const load_before = round2(loadavg()[0])
const pg = await startPostgres({ migrations: migrationsDir })
const cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 0 })
const redis = await startRedis()
let result
try {
  const db = await pg.database()
  const pool = new pgLib.Pool({ connectionString: db.url, max: 4 })
  try {
    result = { ...(await cacheBench(pool, cluster)), ...(await taskBench(redis)) }
  } finally {
    await pool.end()
    await db.drop()
  }
} finally {
  await Promise.allSettled([pg.stop(), cluster.stop(), redis.stop()])
}
const out = {
  bench: 'platform-reliability',
  date: new Date().toISOString(),
  node: process.version,
  cores: (await import('node:os')).cpus().length,
  load_before,
  load_after: round2(loadavg()[0]),
  wall_s: round2((now() - started) / 1000),
  ...result,
}
const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'reliability.json')
mkdirSync(dirname(file), { recursive: true })
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`)
console.log(JSON.stringify(out, null, 2))
