import { startKafka } from '../src/index.js'
const kafka = await startKafka({ brokers: 1, version: '3.9.1' })
const t = await kafka.createTopic()
await kafka.produce(t, 'hi')
console.log(kafka.version, (await kafka.consume(t, { count: 1 }))[0]!.value, await kafka.activeController(), kafka.usesCds)
console.log(kafka.brokerLogs(1).slice(-5).join('\n'))
await kafka.stop()
