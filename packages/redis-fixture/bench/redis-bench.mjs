// pnpm bench: our start / isolation / sentinel failover against redis-memory-server (the anchor) pointed at
// the same system redis-server binary, in the same run. Writes bench/results/redis.json (flat numeric keys).
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { RedisMemoryServer } from 'redis-memory-server'
import {
  listRedisServers,
  redisServerBinary,
  resolveRedisServer,
  startRedis,
  startRedisSentinel,
} from '../dist/index.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 20)
const ISOLATE_RUNS = Number(process.env.BENCH_ISOLATE_RUNS ?? 500)
const FAILOVER_RUNS = Number(process.env.BENCH_FAILOVER_RUNS ?? 5)

const p50 = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const round = (x, d = 3) => Number(x.toFixed(d))

/** A real PING over a fresh connection (what "ready" means for both contenders). */
function ping(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port })
    s.once('error', reject)
    s.once('connect', () => s.write('*1\r\n$4\r\nPING\r\n'))
    s.once('data', (d) => {
      s.destroy()
      String(d).startsWith('+PONG') ? resolve() : reject(new Error(String(d)))
    })
  })
}

const systemBinary = redisServerBinary()
if (!fs.existsSync(systemBinary)) throw new Error(`no redis-server at ${systemBinary}`)
// never let the anchor download or compile anything
process.env.REDISMS_SYSTEM_BINARY = systemBinary
process.env.REDISMS_DISABLE_POSTINSTALL = '1'

async function startOurs() {
  const t0 = performance.now()
  const r = await startRedis()
  const ms = performance.now() - t0
  await r.stop()
  return ms
}

async function startAnchor() {
  const t0 = performance.now()
  const server = await RedisMemoryServer.create({ binary: { systemBinary } })
  await ping(await server.getPort())
  const ms = performance.now() - t0
  await server.stop()
  return ms
}

// warm-up (our watchdog process is spawned once per run; the anchor resolves its binary once)
await startOurs()
await startAnchor()

const ours = []
const anchor = []
for (let i = 0; i < START_RUNS; i++) {
  // alternate, so that machine noise hits both
  ours.push(await startOurs())
  anchor.push(await startAnchor())
}

// the other servers found (tooling/redis/fetch-servers.sh): start → ready of each, `version` option
const VERSION_RUNS = Number(process.env.BENCH_VERSION_RUNS ?? 10)
const def = resolveRedisServer()
const byServer = {}
for (const b of listRedisServers()) {
  if (b.product === def.product && b.version === def.version) continue
  const version = b.product === 'valkey' ? `valkey-${b.version}` : b.version
  const times = []
  for (let i = 0; i < VERSION_RUNS; i++) {
    const t0 = performance.now()
    const r = await startRedis({ version })
    times.push(performance.now() - t0)
    await r.stop()
  }
  const [major, minor] = b.version.split('.')
  byServer[`start_p50_ms_${b.product}_${major}_${minor}`] = round(p50(times), 2)
}

const redis = await startRedis()
await redis.preparePool()
const isolate = []
const release = []
const isolatePrefix = []
for (let i = 0; i < ISOLATE_RUNS; i++) {
  let t0 = performance.now()
  const ns = await redis.isolated()
  isolate.push(performance.now() - t0)
  await ns.client().set('k', 'v')
  t0 = performance.now()
  await ns.release()
  release.push(performance.now() - t0)
  t0 = performance.now()
  const pns = await redis.isolated({ mode: 'prefix' })
  isolatePrefix.push(performance.now() - t0)
  await pns.release()
}
await redis.stop()

const failover = []
for (let i = 0; i < FAILOVER_RUNS; i++) {
  const ha = await startRedisSentinel({ replicas: 1, sentinels: 3 })
  try {
    const client = ha.client()
    await client.set('warm', '1')
    const t0 = performance.now()
    await ha.killMaster({ waitForFailover: false })
    const deadline = Date.now() + 30_000
    for (;;) {
      try {
        await client.set('after-failover', String(i))
        break
      } catch (err) {
        if (Date.now() > deadline) throw err
      }
    }
    failover.push(performance.now() - t0)
  } finally {
    await ha.stop()
  }
}

const result = {
  start_p50_ms: round(p50(ours), 2),
  anchor_redis_memory_server_p50_ms: round(p50(anchor), 2),
  start_vs_anchor_ratio: round(p50(ours) / p50(anchor), 3),
  ...byServer,
  isolate_p50_ms: round(p50(isolate), 4),
  isolate_prefix_p50_ms: round(p50(isolatePrefix), 4),
  release_p50_ms: round(p50(release), 4),
  sentinel_failover_p50_ms: round(p50(failover), 0),
  start_runs: START_RUNS,
  isolate_runs: ISOLATE_RUNS,
  failover_runs: FAILOVER_RUNS,
}
fs.mkdirSync(path.join(here, 'results'), { recursive: true })
fs.writeFileSync(path.join(here, 'results', 'redis.json'), `${JSON.stringify(result, null, 2)}\n`)
console.log(JSON.stringify(result, null, 2))
