// pnpm bench → bench/results/mysql.json. One run: ours beside the anchors, same server binary, same process.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import mysql from 'mysql2/promise'
import { loadMigrations } from '../src/database/migrations.js'
import { ident } from '../src/database/names.js'
import { captureSnapshot, cloneSql } from '../src/database/snapshot.js'
import { startMysql } from '../src/index.js'
import { resolveMariadb } from '../src/server/binaries.js'
import { createAndMigrate, installAndStart } from './anchors.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const migrationsDir = path.join(here, 'migrations')
const COLD_STARTS = 10
const ANCHOR_STARTS = 5
const TESTS = 300
const HOLD_MS = 30
const CLONE_RUNS = 40
const QUERIES = 500

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!
}
const round = (x: number) => Math.round(x * 100) / 100

async function coldStarts(): Promise<number[]> {
  await (await startMysql({ migrations: migrationsDir })).stop() // warm the caches
  const times: number[] = []
  for (let i = 0; i < COLD_STARTS; i++) {
    const t0 = performance.now()
    const server = await startMysql({ migrations: migrationsDir })
    times.push(performance.now() - t0)
    await server.stop()
  }
  return times
}

/** A test of about HOLD_MS: inserts and joins on its own database. */
async function simulatedTest(url: string, i: number): Promise<void> {
  const c = await mysql.createConnection(url)
  const until = performance.now() + HOLD_MS
  let n = 0
  while (performance.now() < until) {
    const email = `u${i}-${n}@example.com`
    const [r] = await c.query<mysql.ResultSetHeader>('INSERT INTO users (email, name) VALUES (?, ?)', [
      email,
      'b',
    ])
    await c.query('INSERT INTO accounts (user_id, currency, balance) VALUES (?, ?, ?)', [
      r.insertId,
      'EUR',
      10,
    ])
    await c.query('SELECT a.balance FROM accounts a JOIN users u ON u.id = a.user_id WHERE u.email = ?', [
      email,
    ])
    n++
  }
  await c.end()
}

async function main() {
  const bins = await resolveMariadb()
  const cold = await coldStarts()
  const anchorStarts: number[] = []
  for (let i = 0; i < ANCHOR_STARTS; i++) anchorStarts.push(await installAndStart(bins))

  const server = await startMysql({ migrations: migrationsDir })
  try {
    await new Promise((r) => setTimeout(r, 500)) // let the pool fill, as a global setup would
    const handout: number[] = []
    for (let i = 0; i < TESTS; i++) {
      const t0 = performance.now()
      const db = await server.database()
      handout.push(performance.now() - t0)
      await simulatedTest(db.url, i)
      await db.drop()
    }

    // clone strategies, one database at a time on one connection (what the background pool pays per test),
    // for the flat 10-table schema and for the same schema reached through a year of migrations
    const conn = await mysql.createConnection({ uri: server.url, multipleStatements: true })
    const clone: Record<string, number[]> = {}
    for (const [schema, dir] of [
      ['flat', migrationsDir],
      ['history', path.join(here, 'migrations-history')],
    ] as const) {
      const statements = loadMigrations({ migrations: dir }).files.flatMap((f) => f.statements)
      const template = `bench_tpl_${schema}`
      await createAndMigrate(conn, template, statements)
      const snapshot = await captureSnapshot(conn, template)
      const tables = snapshot.tables.map((t) => /^CREATE TABLE `([^`]+)`/.exec(t)![1]!)
      const strategies: Record<string, (name: string) => Promise<unknown>> = {
        create_and_migrate: (name) => createAndMigrate(conn, name, statements),
        replay_migrations_batch: (name) =>
          conn.query(
            `CREATE DATABASE ${ident(name)}; USE ${ident(name)}; ${statements.map((s) => s.sql).join(';\n')}`,
          ),
        snapshot_batch: (name) => conn.query(cloneSql(snapshot, name)),
        create_like_batch: (name) =>
          conn.query(
            [
              `CREATE DATABASE ${ident(name)}`,
              ...tables.map(
                (t) => `CREATE TABLE ${ident(name)}.${ident(t)} LIKE ${ident(template)}.${ident(t)}`,
              ),
              ...snapshot.data.map(
                (d) =>
                  `INSERT INTO ${ident(name)}.${ident(d.table)} SELECT * FROM ${ident(template)}.${ident(d.table)}`,
              ),
            ].join(';\n'),
          ),
      }
      for (let i = 0; i < CLONE_RUNS; i++) {
        // interleaved, so that load on the machine hits every strategy alike
        for (const [key, make] of Object.entries(strategies)) {
          const name = `bench_${schema}_${key}_${i}`
          const t0 = performance.now()
          await make(name)
          const ms = performance.now() - t0
          clone[`${schema}_${key}`] = [...(clone[`${schema}_${key}`] ?? []), ms]
          await conn.query(`DROP DATABASE ${ident(name)}`)
        }
      }
      await conn.query(`DROP DATABASE ${ident(template)}`)
    }
    await conn.end()

    await using db = await server.database()
    const pool = mysql.createPool({ uri: db.url, connectionLimit: 25, maxIdle: 5 })
    await pool.query('SELECT 1')
    const query: number[] = []
    for (let i = 0; i < QUERIES; i++) {
      const t0 = performance.now()
      await pool.query('SELECT value FROM settings WHERE name = ?', ['max_members'])
      query.push(performance.now() - t0)
    }
    await pool.end()

    const anchorMigrate = clone.flat_create_and_migrate!
    const result = {
      server_version: bins.version,
      machine: { cpus: os.cpus().length, loadavg_1m: round(os.loadavg()[0]!) },
      cold_start_p50_ms: round(pct(cold, 50)),
      anchor_install_and_start_p50_ms: round(pct(anchorStarts, 50)),
      cold_start_speedup: round(pct(anchorStarts, 50) / pct(cold, 50)),
      handout_p50_ms: round(pct(handout, 50)),
      handout_p99_ms: round(pct(handout, 99)),
      anchor_create_and_migrate_p50_ms: round(pct(anchorMigrate, 50)),
      anchor_create_and_migrate_p99_ms: round(pct(anchorMigrate, 99)),
      handout_p99_speedup: round(pct(anchorMigrate, 99) / pct(handout, 99)),
      simple_query_p50_ms: round(pct(query, 50)),
      clone_strategies_p50_ms: Object.fromEntries(
        Object.entries(clone).map(([k, v]) => [k, round(pct(v, 50))]),
      ),
      clone_strategies_p90_ms: Object.fromEntries(
        Object.entries(clone).map(([k, v]) => [k, round(pct(v, 90))]),
      ),
      runs: {
        cold_starts: COLD_STARTS,
        anchor_starts: ANCHOR_STARTS,
        tests: TESTS,
        hold_ms: HOLD_MS,
        clones: CLONE_RUNS,
      },
    }
    fs.mkdirSync(path.join(here, 'results'), { recursive: true })
    fs.writeFileSync(path.join(here, 'results', 'mysql.json'), `${JSON.stringify(result, null, 2)}\n`)
    console.log(JSON.stringify(result, null, 2))
  } finally {
    await server.stop()
  }
}

await main()
