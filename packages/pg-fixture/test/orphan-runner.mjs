// A test runner stand-in for src/server/orphan.integration.test.ts: starts PostgreSQL, holds a connection
// (a backend), prints what it started as one JSON line, then idles until it is SIGKILLed.
import { getWatchdog } from '@infra/fixture-core'
import pg from 'pg'
import { startPostgres } from '../dist/index.js'

const server = await startPostgres({ migrationsKey: 'orphan.integration' })
const client = new pg.Client({ connectionString: server.url })
client.on('error', () => {})
await client.connect()
const postmaster = server.process.pid
const [, , , , , , shm] = (await import('node:fs'))
  .readFileSync(`${server.dataDir}/postmaster.pid`, 'utf8')
  .split('\n')
process.stdout.write(
  `${JSON.stringify({
    postmaster,
    dataDir: server.dataDir,
    runDir: process.env.INFRA_RUN_DIR,
    segment: shm?.trim().split(/\s+/)[1],
    watchdogs: (await getWatchdog()).pids,
  })}\n`,
)
setInterval(() => {}, 60_000)
