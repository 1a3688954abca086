// A test runner stand-in: starts Kafka, prints its JVM pids and dirs, then idles until killed.
import { startKafka } from '../src/index.js'

const kafka = await startKafka({ nodes: Number(process.argv[2] ?? 1) })
process.stdout.write(
  `${JSON.stringify({ pids: kafka.nodes.map((n) => n.pid), dirs: kafka.nodes.map((n) => n.dir) })}\n`,
)
setInterval(() => {}, 60_000)
