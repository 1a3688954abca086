// Typed usage of @infra/kafka-fixture as a consumer writes it: type-checked by tsc --noEmit, not run.
import { EXTERNAL_BROKERS_ENV, type KafkaFixture, type KafkaOptions, startKafka } from '@infra/kafka-fixture'

const options: KafkaOptions = { nodes: 1, startTimeoutMs: 90_000 }

export async function kafkaUsage(): Promise<string[]> {
  await using kafka: KafkaFixture = await startKafka(options)
  const topic: string = await kafka.createTopic()
  const producer = kafka.client().producer(kafka.producerConfig())
  await producer.connect()
  await producer.send({ topic, messages: [{ key: 'k', value: 'v' }] })
  await producer.disconnect()
  await kafka.pause()
  await kafka.resume()
  return kafka.brokers
}

export const brokersEnv: string = EXTERNAL_BROKERS_ENV
