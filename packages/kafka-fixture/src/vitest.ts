import { test as baseTest, inject } from 'vitest'
import type { KafkaFixture } from './kafka-fixture.js'
import { connectKafka, type KafkaOptions, startKafka } from './start-kafka.js'

/** What the global setup hands to test workers. */
export interface ProvidedKafka {
  brokers: string[]
  version: string
}

declare module 'vitest' {
  export interface ProvidedContext {
    infraKafka: ProvidedKafka | undefined
  }
}

/** The part of vitest's TestProject the global setup uses. */
export interface ProvideTarget {
  provide(key: 'infraKafka', value: ProvidedKafka): void
}

/**
 * A vitest globalSetup that starts one Kafka (1 broker by default) for the whole run and hands its
 * brokers to the workers. In your setup file: `export default kafkaGlobalSetup({ brokers: 1 })`.
 */
export function kafkaGlobalSetup(
  options: KafkaOptions = {},
): (project: ProvideTarget) => Promise<() => Promise<void>> {
  return async (project) => {
    const kafka = await startKafka(options)
    project.provide('infraKafka', { brokers: kafka.brokers, version: kafka.version })
    return async () => {
      await kafka.stop()
    }
  }
}

function providedKafka(): ProvidedKafka | undefined {
  try {
    return inject('infraKafka')
  } catch {
    return undefined
  }
}

type Use<T> = (value: T) => Promise<void>

async function kafkaWorkerFixture(_ctx: object, use: Use<KafkaFixture>): Promise<void> {
  const provided = providedKafka()
  // with the global setup: a handle on the shared cluster; without: one local broker per worker
  const kafka = provided
    ? connectKafka({ brokers: provided.brokers, version: provided.version })
    : await startKafka()
  try {
    await use(kafka)
  } finally {
    await kafka.stop()
  }
}

export interface KafkaTestFixtures {
  /** The run's Kafka (worker-scoped): helpers, a kafkajs client; faults only without the global setup. */
  kafka: KafkaFixture
  /** A fresh topic for this test (1 partition), deleted after it. */
  topic: string
}

/** Fixtures for `test.extend(kafkaFixtures)`: a worker-scoped `kafka` and a per-test `topic`. */
export const kafkaFixtures = {
  kafka: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from the destructuring pattern
    async ({}: object, use: Use<KafkaFixture>) => kafkaWorkerFixture({}, use),
    { scope: 'worker' },
  ] as [(ctx: object, use: Use<KafkaFixture>) => Promise<void>, { scope: 'worker' }],
  topic: async ({ kafka }: { kafka: KafkaFixture }, use: Use<string>): Promise<void> => {
    const topic = await kafka.createTopic()
    try {
      await use(topic)
    } finally {
      await kafka.deleteTopic(topic).catch(() => {})
    }
  },
}

/** `test` with {@link kafkaFixtures}: `test('x', async ({ kafka, topic }) => …)`. */
export const test = baseTest.extend<KafkaTestFixtures>(kafkaFixtures)

export { connectKafka, type KafkaOptions, startKafka }
