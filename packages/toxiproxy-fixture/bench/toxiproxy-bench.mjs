// pnpm bench: what a link costs. Server start (ours vs. a bare spawn of the same binary, the anchor), a Redis
// GET through a link vs. direct, and 100 MB through a link vs. direct — each pair in the same run.
// With @infra/etcd-fixture built beside this package, also the time from partitioning an etcd leader away
// to a new leader. Writes bench/results/toxiproxy.json (flat keys).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { startRedis } from '@infra/redis-fixture'
import { Redis } from 'ioredis'
import { startToxiproxy, toxiproxyServerBinary } from '../dist/index.js'
import { etcdPartitionToNewLeader } from './etcd-partition.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 20)
const GET_RUNS = Number(process.env.BENCH_GET_RUNS ?? 3000)
const MB = Number(process.env.BENCH_THROUGHPUT_MB ?? 100)

const p50 = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const round = (x, d = 3) => Number(x.toFixed(d))

async function startOurs() {
  const t0 = performance.now()
  const t = await startToxiproxy()
  const ms = performance.now() - t0
  await t.stop()
  return ms
}

/** The anchor: spawn the same binary by hand and poll GET /version, no fixture around it. */
async function startAnchor(port) {
  const t0 = performance.now()
  const child = spawn(toxiproxyServerBinary(), ['-host', '127.0.0.1', '-port', String(port)], {
    stdio: 'ignore',
  })
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/version`)).ok) break
    } catch {}
    if (performance.now() - t0 > 10_000) throw new Error('anchor toxiproxy did not answer in 10 s')
    await sleep(5)
  }
  const ms = performance.now() - t0
  child.kill('SIGKILL')
  await new Promise((r) => child.once('exit', r))
  return ms
}

async function freePort() {
  const s = net.createServer()
  await new Promise((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address()
  await new Promise((r) => s.close(r))
  return port
}

const step = (what) => process.stderr.write(`bench: ${what}\n`)
step('server start')
await startOurs() // warm-up: the run's watchdog is spawned once
const ours = []
const anchor = []
for (let i = 0; i < START_RUNS; i++) {
  ours.push(await startOurs())
  anchor.push(await startAnchor(await freePort()))
}

step('redis GET')
const toxiproxy = await startToxiproxy()
const redis = await startRedis()

async function getP50(url) {
  const c = new Redis(url, { lazyConnect: true })
  await c.connect()
  await c.set('bench', 'x'.repeat(100))
  for (let i = 0; i < 200; i++) await c.get('bench')
  const xs = []
  for (let i = 0; i < GET_RUNS; i++) {
    const t0 = performance.now()
    await c.get('bench')
    xs.push(performance.now() - t0)
  }
  c.disconnect()
  return p50(xs)
}
const link = await toxiproxy.proxy(redis.url)
// interleaved halves so that machine noise lands on both sides
const direct = [await getP50(redis.url)]
const proxied = [await getP50(link.url)]
direct.push(await getP50(redis.url))
proxied.push(await getP50(link.url))
const getDirect = p50(direct)
const getProxied = p50(proxied)

/** Seconds to push `mb` MB to a sink that answers when it has them all (an 8-byte length leads the data). */
async function pushMb(port, mb) {
  const chunk = Buffer.alloc(1024 * 1024, 7)
  const header = Buffer.alloc(8)
  header.writeBigUInt64BE(BigInt(mb * chunk.length))
  const t0 = performance.now()
  await new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', async () => {
      s.write(header)
      for (let i = 0; i < mb; i++) if (!s.write(chunk)) await new Promise((r) => s.once('drain', r))
    })
    s.once('data', () => {
      s.destroy()
      resolve()
    })
    s.once('error', reject)
  })
  return (performance.now() - t0) / 1000
}
step(`${MB} MB`)
const sink = net.createServer((s) => {
  let want = -1
  let got = -8
  s.on('data', (d) => {
    if (want < 0) want = Number(d.readBigUInt64BE(0))
    got += d.length
    if (got >= want) s.end('k')
  })
  s.on('error', () => {})
})
await new Promise((r) => sink.listen(0, '127.0.0.1', r))
const sinkPort = sink.address().port
const sinkLink = await toxiproxy.proxy(`127.0.0.1:${sinkPort}`, 'sink')
await pushMb(sinkPort, 10) // warm-up
const directS = await pushMb(sinkPort, MB)
const proxiedS = await pushMb(sinkLink.port, MB)
sink.close()
await toxiproxy.stop()
await redis.stop()

step('etcd partition')
const etcd = await etcdPartitionToNewLeader()

const result = {
  server_ready_p50_ms: round(p50(ours), 2),
  anchor_bare_spawn_ready_p50_ms: round(p50(anchor), 2),
  server_ready_vs_anchor_ratio: round(p50(ours) / p50(anchor)),
  redis_get_direct_p50_ms: round(getDirect, 4),
  redis_get_proxied_p50_ms: round(getProxied, 4),
  redis_get_p50_overhead_ms: round(getProxied - getDirect, 4),
  throughput_direct_mb_s: round(MB / directS, 1),
  throughput_proxied_mb_s: round(MB / proxiedS, 1),
  throughput_ratio: round(directS / proxiedS),
  ...etcd,
  start_runs: START_RUNS,
  get_runs: GET_RUNS * 2,
  throughput_mb: MB,
  // the machine is shared: figures taken at a high load are upper bounds
  load_avg_1m_at_end: round(os.loadavg()[0], 1),
  cpus: os.cpus().length,
}
fs.mkdirSync(path.join(here, 'results'), { recursive: true })
fs.writeFileSync(path.join(here, 'results', 'toxiproxy.json'), `${JSON.stringify(result, null, 2)}\n`)
console.log(result)
