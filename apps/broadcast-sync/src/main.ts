import pg from 'pg'
import { startBroadcastSyncApp } from './app.js'
import { migrate } from './server/migrate.js'

/** `DATABASE_URL=… REDIS_URL=… PORT=8080 node dist/main.js` — migrates, then serves the page, /api and /ws. */
const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) {
  console.error('DATABASE_URL is required (postgres://user:password@host:port/database)')
  process.exit(2)
}
const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 })
const applied = await migrate(pool)
await pool.end()
if (applied.length > 0) console.log(`applied migrations: ${applied.join(', ')}`)

const app = await startBroadcastSyncApp({
  databaseUrl,
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  host: process.env.HOST ?? '127.0.0.1',
  port: Number(process.env.PORT ?? 8080),
})
console.log(`broadcast-sync listening on ${app.url} (WebSocket ${app.wsUrl})`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)))
}
