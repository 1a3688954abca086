// pnpm bench: our cold start, database() (pooled and on demand) and a 100k-row JSONEachRow insert, beside the anchor: the same
// clickhouse-server binary spawned by hand from a minimal config and polled on /ping (what a test script
// without the fixture does), in the same run. Writes bench/results/clickhouse.json (flat numeric keys).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { getFreePorts } from '@infra/fixture-core'
import { clickhouseServerCommand, startClickHouse } from '../dist/index.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 15)
const DATABASE_RUNS = Number(process.env.BENCH_DATABASE_RUNS ?? 100)
const INSERT_RUNS = Number(process.env.BENCH_INSERT_RUNS ?? 3)
const INSERT_ROWS = 100_000

const p50 = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const round = (x, d = 2) => Number(x.toFixed(d))

function ping(port) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/ping', agent: false }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode === 200))
    })
    req.on('error', () => resolve(false))
  })
}

/** The anchor: a minimal config written by hand, the binary spawned, /ping polled every 10 ms. */
async function startAnchor() {
  const { command, args } = clickhouseServerCommand()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ch-anchor-'))
  const [httpPort, tcpPort] = await getFreePorts(2)
  fs.writeFileSync(path.join(dir, 'metrika.xml'), '<yandex/>')
  fs.writeFileSync(
    path.join(dir, 'users.xml'),
    `<yandex><include_from>${dir}/metrika.xml</include_from><profiles><default/></profiles><users><default><password/><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users><quotas><default/></quotas></yandex>`,
  )
  fs.writeFileSync(
    path.join(dir, 'config.xml'),
    `<yandex><logger><console>1</console><level>warning</level></logger><listen_host>127.0.0.1</listen_host><http_port>${httpPort}</http_port><tcp_port>${tcpPort}</tcp_port><path>${dir}/data/</path><tmp_path>${dir}/tmp/</tmp_path><users_config>${dir}/users.xml</users_config><include_from>${dir}/metrika.xml</include_from><mark_cache_size>67108864</mark_cache_size><default_profile>default</default_profile><default_database>default</default_database></yandex>`,
  )
  const t0 = performance.now()
  const child = spawn(command, [...args, `--config-file=${dir}/config.xml`], {
    stdio: 'ignore',
    detached: true,
  })
  while (!(await ping(httpPort))) {
    if (child.exitCode !== null) throw new Error('anchor clickhouse-server exited')
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
  const ch = await startClickHouse()
  const ms = performance.now() - t0
  await ch.kill()
  await ch.stop()
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
async function databaseTimes(ch) {
  const create = []
  const release = []
  for (let i = 0; i < DATABASE_RUNS; i++) {
    let t0 = performance.now()
    const db = await ch.database()
    create.push(performance.now() - t0)
    t0 = performance.now()
    await db.release()
    release.push(performance.now() - t0)
  }
  return { create, release }
}
const unpooledServer = await startClickHouse({ poolSize: 0 })
const unpooled = await databaseTimes(unpooledServer)
await unpooledServer.stop()
const ch = await startClickHouse()
const { create, release } = await databaseTimes(ch)

const rows = Array.from({ length: INSERT_ROWS }, (_, i) => ({
  ts: 1_700_000_000 + i,
  host: `h${i % 100}`,
  value: i * 0.5,
}))
const insert = []
for (let i = 0; i < INSERT_RUNS; i++) {
  const db = await ch.database()
  try {
    await db.command(
      'CREATE TABLE m (ts DateTime, host String, value Float64) ENGINE = MergeTree ORDER BY (host, ts)',
    )
    const client = db.client()
    const t0 = performance.now()
    await client.insert({ table: 'm', values: rows, format: 'JSONEachRow' })
    insert.push(performance.now() - t0)
    const [{ n }] = await db.query('SELECT count() AS n FROM m')
    if (Number(n) !== INSERT_ROWS) throw new Error(`inserted ${n} rows, expected ${INSERT_ROWS}`)
  } finally {
    await db.release()
  }
}
const version = ch.version
await ch.stop()

const result = {
  cold_start_p50_ms: round(p50(ours)),
  anchor_bare_spawn_p50_ms: round(p50(anchor)),
  cold_start_vs_anchor_ratio: round(p50(ours) / p50(anchor), 3),
  database_p50_ms: round(p50(create), 3),
  database_unpooled_p50_ms: round(p50(unpooled.create), 3),
  release_p50_ms: round(p50(release), 3),
  insert_rows_per_s: Math.round(INSERT_ROWS / (p50(insert) / 1000)),
  insert_100k_p50_ms: round(p50(insert)),
  start_runs: START_RUNS,
  database_runs: DATABASE_RUNS,
  insert_runs: INSERT_RUNS,
  server_version_major: Number(version.split('.')[0]),
}
fs.mkdirSync(path.join(here, 'results'), { recursive: true })
fs.writeFileSync(path.join(here, 'results', 'clickhouse.json'), `${JSON.stringify(result, null, 2)}\n`)
console.log(JSON.stringify(result, null, 2))
