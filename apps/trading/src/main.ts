// Runs the service: DATABASE_URL, REDIS_URL, INFLUXDB_URL, INFLUXDB_DATABASE, [PORT].
import { startTradingApp } from './app.js'

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set`)
  return value
}

const app = await startTradingApp({
  databaseUrl: required('DATABASE_URL'),
  redisUrl: required('REDIS_URL'),
  influxUrl: required('INFLUXDB_URL'),
  influxDatabase: required('INFLUXDB_DATABASE'),
  port: process.env.PORT ? Number(process.env.PORT) : 0,
})
console.log(`trading listening on ${app.url}`)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0))
  })
}
