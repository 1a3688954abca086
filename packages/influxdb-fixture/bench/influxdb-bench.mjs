// pnpm bench: our cold start, database() (pooled and on demand) and line-protocol writes (10k points in batches of 1k), beside the
// anchor: the same influxd spawned by hand from a minimal config and polled on /ping (what a test script
// without the fixture does), in the same run. Writes bench/results/influxdb.json (flat numeric keys).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { getFreePorts } from '@infra/fixture-core'
import { influxdBinary, startInfluxDB } from '../dist/index.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 15)
const DATABASE_RUNS = Number(process.env.BENCH_DATABASE_RUNS ?? 100)
const WRITE_RUNS = Number(process.env.BENCH_WRITE_RUNS ?? 5)
const POINTS = 10_000
const BATCH = 1_000

const p50 = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const round = (x, d = 2) => Number(x.toFixed(d))

function ping(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/ping', agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode === 204))
    })
    req.on('error', () => resolve(false))
  })
}

/** The anchor: a minimal config written by hand, influxd spawned, /ping polled every 10 ms. */
async function startAnchor() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'influx-anchor-'))
  const [httpPort, rpcPort] = await getFreePorts(2)
  fs.writeFileSync(
    path.join(dir, 'influxdb.conf'),
    [
      'reporting-disabled = true',
      `bind-address = "127.0.0.1:${rpcPort}"`,
      `[meta]\n  dir = "${dir}/meta"`,
      `[data]\n  dir = "${dir}/data"\n  wal-dir = "${dir}/wal"`,
      '[monitor]\n  store-enabled = false',
      `[http]\n  bind-address = "127.0.0.1:${httpPort}"`,
      '',
    ].join('\n'),
  )
  const t0 = performance.now()
  const child = spawn(influxdBinary(), ['-config', `${dir}/influxdb.conf`], {
    stdio: 'ignore',
    detached: true,
  })
  while (!(await ping(httpPort))) {
    if (child.exitCode !== null) throw new Error('anchor influxd exited')
    await sleep(10)
  }
  const ms = performance.now() - t0
  process.kill(-child.pid, 'SIGKILL')
  await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)))
  fs.rmSync(dir, { recursive: true, force: true })
  return ms
}

async function startOurs() {
  const t0 = performance.now()
  const influx = await startInfluxDB()
  const ms = performance.now() - t0
  await influx.kill()
  await influx.stop()
  return ms
}

// warm-up: the watchdog process is spawned once per run; the binary's pages get cached
await startOurs()
await startAnchor()

const ours = []
const anchor = []
for (let i = 0; i < START_RUNS; i++) {
  ours.push(await startOurs())
  anchor.push(await startAnchor())
}

// database(): from the ready pool (default), and made on demand (poolSize 0), each released right after
async function databaseTimes(server) {
  const create = []
  const release = []
  for (let i = 0; i < DATABASE_RUNS; i++) {
    let t0 = performance.now()
    const db = await server.database()
    create.push(performance.now() - t0)
    t0 = performance.now()
    await db.release()
    release.push(performance.now() - t0)
  }
  return { create, release }
}
const unpooledServer = await startInfluxDB({ poolSize: 0 })
const unpooled = await databaseTimes(unpooledServer)
await unpooledServer.stop()
const influx = await startInfluxDB()
const { create, release } = await databaseTimes(influx)

const base = 1_700_000_000_000_000_000n
const batches = Array.from({ length: POINTS / BATCH }, (_, b) =>
  Array.from({ length: BATCH }, (_, i) => {
    const n = b * BATCH + i
    return `exec,venue=v${n % 8},sym=S${n % 50} qty=${n}i,px=${(n % 1000) / 4} ${base + BigInt(n) * 1_000_000n}`
  }),
)
const writes = []
for (let r = 0; r < WRITE_RUNS; r++) {
  const db = await influx.database()
  try {
    const t0 = performance.now()
    for (const lines of batches) await db.write(lines)
    writes.push(performance.now() - t0)
    const [{ n }] = await db.query('SELECT count(qty) AS n FROM exec')
    if (n !== POINTS) throw new Error(`wrote ${n} points, expected ${POINTS}`)
  } finally {
    await db.release()
  }
}
const version = influx.version
await influx.stop()

const result = {
  cold_start_p50_ms: round(p50(ours)),
  anchor_bare_spawn_p50_ms: round(p50(anchor)),
  cold_start_vs_anchor_ratio: round(p50(ours) / p50(anchor), 3),
  database_p50_ms: round(p50(create), 3),
  database_unpooled_p50_ms: round(p50(unpooled.create), 3),
  release_p50_ms: round(p50(release), 3),
  write_points_per_s: Math.round(POINTS / (p50(writes) / 1000)),
  write_10k_p50_ms: round(p50(writes)),
  start_runs: START_RUNS,
  database_runs: DATABASE_RUNS,
  write_runs: WRITE_RUNS,
  server_version_minor: Number(version.split('.').slice(0, 2).join('.')),
}
fs.mkdirSync(path.join(here, 'results'), { recursive: true })
fs.writeFileSync(path.join(here, 'results', 'influxdb.json'), `${JSON.stringify(result, null, 2)}\n`)
console.log(JSON.stringify(result, null, 2))
