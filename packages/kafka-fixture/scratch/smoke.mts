import { startKafka } from '../src/index.js'

const n = Number(process.argv[2] ?? 1)
let t = Date.now()
const kafka = await startKafka({ brokers: n })
console.log('started', n, Date.now() - t, 'ms', kafka.brokers, kafka.version, 'cds', kafka.usesCds)
t = Date.now()
const topic = await kafka.createTopic({ partitions: 3, minInsyncReplicas: n > 1 ? 2 : undefined })
console.log('topic', topic, Date.now() - t)
t = Date.now()
await kafka.produce(topic, ['a', 'b', { key: 'k', value: 'c' }])
console.log('produced', Date.now() - t)
t = Date.now()
const got = await kafka.consume(topic, { count: 3 })
console.log(
  'consumed',
  got.map((m) => m.value),
  Date.now() - t,
)
console.log('controller', await kafka.activeController())
t = Date.now()
await kafka.stop()
console.log('stopped', Date.now() - t)
