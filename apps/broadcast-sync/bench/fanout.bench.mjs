// pnpm --filter broadcast-sync bench → bench/results/fanout.json
// Broadcast fan-out latency to 1,000 WebSocket subscribers across two app instances on one Redis: per round,
// instance A publishes one event (RedisBroadcaster.publish: A → Redis → A and B → 500 clients each), and
// ws-harness's measureBroadcast times each client's arrival from the publish call. Anchor, in the same run
// and interleaved rep by rep: one plain ws-harness server broadcasting the same frame to 1,000 clients
// directly (no Redis, no second instance) — the floor of pushing one frame to 1,000 sockets here.
// Clients, instances and the anchor share this process and the machine's 2 cores; Redis and Postgres run
// as their own processes (@infra fixtures).

import { mkdirSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startPostgres } from '@infra/pg-fixture'
import { startRedis } from '@infra/redis-fixture'
import { connectMany, measureBroadcast, startWsServer } from '@infra/ws-harness'
import { migrationsDir, startBroadcastSyncApp } from '../dist/index.js'

const CLIENTS = 1000
const ROUNDS = Number(process.env.FANOUT_BENCH_ROUNDS ?? 100)
const REPS = Number(process.env.FANOUT_BENCH_REPS ?? 5)
const PAYLOAD = { order: { id: '00000000-0000-4000-8000-000000000000', customer: 'bench', quantity: 1 } }

const round2 = (x) => Math.round(x * 100) / 100
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

const pg = await startPostgres({ migrations: migrationsDir })
const redis = await startRedis()
const db = await pg.database()
const apps = []
const groups = []
let anchor
try {
  for (let i = 0; i < 2; i++) {
    apps.push(await startBroadcastSyncApp({ databaseUrl: db.url, redisUrl: redis.url, onError: () => {} }))
  }
  for (const app of apps) {
    const group = await connectMany(app.wsUrl, CLIENTS / 2, { expectTimeoutMs: 30_000 })
    await group.expectAll({ type: 'welcome' })
    group.sendJsonAll({ type: 'subscribe', channels: ['bench'] })
    await group.expectAll({ type: 'subscribed', channels: ['bench'] })
    groups.push(group)
  }
  const ours = groups.flatMap((group) => group.clients)

  anchor = await startWsServer({ onConnection: () => {}, record: false })
  const anchorClients = await connectMany(anchor.url, CLIENTS, { expectTimeoutMs: 30_000 })
  await anchor.waitForClients(CLIENTS)

  const publisher = apps[0].broadcaster
  const runOurs = () =>
    measureBroadcast(ours, (round) => publisher.publish('bench', 'order.created', { ...PAYLOAD, round }), {
      rounds: ROUNDS,
      roundTimeoutMs: 30_000,
    })
  const runAnchor = () =>
    measureBroadcast(
      anchorClients,
      (round) =>
        anchor.broadcast({
          type: 'event',
          channel: 'bench',
          event: 'order.created',
          payload: { ...PAYLOAD, round },
        }),
      { rounds: ROUNDS, roundTimeoutMs: 30_000 },
    )

  const reps = []
  for (let i = 0; i < REPS; i++) {
    // alternate which goes first, so drift on a shared machine does not favour one side
    const [first, second] = i % 2 === 0 ? [runOurs, runAnchor] : [runAnchor, runOurs]
    const a = await first()
    const b = await second()
    const [o, r] = i % 2 === 0 ? [a, b] : [b, a]
    reps.push({
      p50: o.p50,
      p99: o.p99,
      completionP50: o.roundCompletion.p50,
      anchorP50: r.p50,
      anchorP99: r.p99,
      samples: o.count,
    })
    console.error(
      `rep ${i + 1}/${REPS}:`,
      JSON.stringify(reps.at(-1), (_k, v) => (typeof v === 'number' ? round2(v) : v)),
    )
  }
  /** The repetition whose ours/anchor p99 ratio is the median one: its numbers and ratio agree. */
  const m = [...reps].sort((x, y) => x.p99 / x.anchorP99 - y.p99 / y.anchorP99)[Math.floor(reps.length / 2)]
  const result = {
    subscribers: CLIENTS,
    instances: 2,
    rounds_per_rep: ROUNDS,
    reps: REPS,
    fanout_p50_ms: round2(m.p50),
    fanout_p99_ms: round2(m.p99),
    fanout_round_completion_p50_ms: round2(m.completionP50),
    anchor_direct_ws_broadcast_p50_ms: round2(m.anchorP50),
    anchor_direct_ws_broadcast_p99_ms: round2(m.anchorP99),
    fanout_p99_ratio: round2(m.p99 / m.anchorP99),
    fanout_p50_median_over_reps_ms: round2(median(reps.map((r) => r.p50))),
    fanout_p99_median_over_reps_ms: round2(median(reps.map((r) => r.p99))),
    samples_per_rep: m.samples,
    load_avg_1m: round2(loadavg()[0]),
  }
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'fanout.json')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  console.log(JSON.stringify(result, null, 2))
} finally {
  await Promise.all(groups.map((group) => group.closeAll()))
  await anchor?.stop()
  await Promise.all(apps.map((app) => app.close()))
  await db.drop()
  await redis.stop()
  await pg.stop()
}
