// The orphan probe's test runner stand-in: starts PostgreSQL, Redis and Kafka through the real
// fixture packages (their sources, run with tsx), prints one JSON line with what it started, then
// idles until it is SIGKILLed. Only used by orphan-probe.mjs.
import { startKafka } from '../../kafka-fixture/src/index.js'
import { startPostgres } from '../../pg-fixture/src/index.js'
import { startRedis } from '../../redis-fixture/src/index.js'

const brokers = Number(process.env.PROBE_KAFKA_BROKERS ?? 1)
const [pg, redis, kafka] = await Promise.all([
  startPostgres(),
  startRedis(),
  brokers > 0 ? startKafka({ nodes: brokers }) : undefined,
])
const { getWatchdog } = await import('@infra/fixture-core')
const report = {
  pids: [pg.process?.pid, redis.pid, ...(kafka?.nodes.map((n) => n.pid) ?? [])].filter(Boolean),
  dirs: [pg.dataDir, redis.dataDir, ...(kafka?.nodes.map((n) => n.dir) ?? []), process.env.INFRA_RUN_DIR],
  pgPid: pg.process?.pid,
  socket: (await getWatchdog()).socketPath,
  watchdogs: (await getWatchdog()).pids,
}
process.stdout.write(`${JSON.stringify(report)}\n`)
setInterval(() => {}, 60_000)
