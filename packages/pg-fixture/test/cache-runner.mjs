// One "run" for src/template/cache-verify.integration.test.ts: starts PostgreSQL with the migrations in
// MIGRATIONS_DIR (a 1000-row table), prints the row count of a fresh database and where the table
// file of the cached template lives, then stops.
import pg from 'pg'
import { startPostgres } from '../dist/index.js'

const server = await startPostgres({ migrations: process.env.MIGRATIONS_DIR })
try {
  const db = await server.database()
  const client = new pg.Client({ connectionString: db.url })
  await client.connect()
  const rows = (await client.query('SELECT count(*)::int AS n FROM items')).rows[0].n
  const relfile = (await client.query("SELECT pg_relation_filenode('items') AS f")).rows[0].f
  const oid = (await client.query('SELECT oid FROM pg_database WHERE datname = $1', [server.template]))
    .rows[0].oid
  await client.end()
  // the table's file in the template database
  process.stdout.write(`${JSON.stringify({ rows, file: `base/${oid}/${relfile}` })}\n`)
} finally {
  await server.stop()
}
