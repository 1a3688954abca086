import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { KafkaFixture } from './kafka-fixture.js'
import { connectKafka, type KafkaOptions, startKafka } from './start-kafka.js'

/** The key under which the global setup provides the brokers. */
export const KAFKA_PROVIDE_KEY = 'infraKafka'

/** What the global setup hands to test workers. */
export interface ProvidedKafka {
  brokers: string[]
  version: string
}

declare module 'vitest' {
  interface ProvidedContext {
    infraKafka: ProvidedKafka
  }
}

/** The part of vitest's `TestProject` the global setup needs. */
export interface ProvideTarget {
  provide(key: typeof KAFKA_PROVIDE_KEY, value: ProvidedKafka): void
}

/**
 * A vitest global setup that starts one Kafka (1 broker by default; `{ brokers: 3 }` for a cluster)
 * for the whole run and hands its brokers to the workers. In your setup file:
 * `export default kafkaGlobalSetup({ brokers: 1 })`.
 */
export function kafkaGlobalSetup(
  options: KafkaOptions = {},
): (project: ProvideTarget) => Promise<() => Promise<void>> {
  return async function setup(project: ProvideTarget) {
    const kafka = await startKafka(options)
    try {
      project.provide(KAFKA_PROVIDE_KEY, { brokers: kafka.brokers, version: kafka.version })
    } catch (err) {
      await kafka.stop()
      throw err
    }
    return () => kafka.stop()
  }
}

function injected(): ProvidedKafka | undefined {
  try {
    return inject(KAFKA_PROVIDE_KEY) as ProvidedKafka | undefined
  } catch {
    return undefined
  }
}

type Use<T> = (value: T) => Promise<void>

/** What `kafkaFixtures` adds to the test context. */
export interface KafkaFixtures {
  /**
   * The run's Kafka (worker-scoped): with `kafkaGlobalSetup` a handle on its shared brokers (helpers,
   * no broker faults); without it a broker started for this worker (faults available).
   */
  kafka: KafkaFixture
  /** A fresh topic for this test (1 partition), deleted after it. */
  topic: string
}

/**
 * `test.extend` fixtures: `kafka` (worker-scoped) and `topic` (a fresh topic per test). Without a
 * global setup each worker starts its own Kafka with `options`.
 */
export function createKafkaFixtures(options: KafkaOptions = {}) {
  return {
    kafka: [
      // biome-ignore lint/correctness/noEmptyPattern: vitest reads fixture dependencies from the destructuring
      async ({}: object, use: Use<KafkaFixture>) => {
        const provided = injected()
        const kafka = provided
          ? connectKafka({ brokers: provided.brokers, version: provided.version })
          : await startKafka(options)
        try {
          await use(kafka)
        } finally {
          await kafka.stop()
        }
      },
      { scope: 'worker' },
    ] as [(ctx: object, use: Use<KafkaFixture>) => Promise<void>, { scope: 'worker' }],
    topic: async ({ kafka }: { kafka: KafkaFixture }, use: Use<string>) => {
      const topic = await kafka.createTopic()
      try {
        await use(topic)
      } finally {
        await kafka.deleteTopic(topic).catch(() => {})
      }
    },
  }
}

/**
 * How the fixtures are typed for `test.extend` inference: at runtime `kafka` is the vitest tuple
 * `[fn, { scope: 'worker' }]`; typed as its function, `extend(kafkaFixtures)` infers
 * `{ kafka: KafkaFixture; topic: string }` without a type argument.
 */
export interface KafkaFixtureDefinitions {
  kafka: (ctx: object, use: Use<KafkaFixture>) => Promise<void>
  topic: (ctx: { kafka: KafkaFixture }, use: Use<string>) => Promise<void>
}

/** The fixtures with default options (compose: `baseTest.extend(pgFixtures).extend(kafkaFixtures)`). */
export const kafkaFixtures = createKafkaFixtures() as unknown as KafkaFixtureDefinitions

type KafkaTest = TestAPI<KafkaFixtures>
let extended: KafkaTest | undefined
// `test.extend` needs a test file being collected, and this module is also imported by global-setup
// files (for kafkaGlobalSetup), where none is: extend at import when possible, else on first use
try {
  extended = baseTest.extend<KafkaFixtures>(kafkaFixtures)
} catch {
  extended = undefined
}
const realTest = (): KafkaTest => {
  extended ??= baseTest.extend<KafkaFixtures>(kafkaFixtures)
  return extended
}

/** vitest's `test` with `kafka` and `topic`: `test('x', async ({ kafka, topic }) => { ... })`. */
export const test: KafkaTest = new Proxy(function kafkaTest() {} as unknown as KafkaTest, {
  apply: (_target, thisArg, args) =>
    Reflect.apply(realTest() as unknown as (...a: unknown[]) => unknown, thisArg, args),
  get: (_target, prop) => Reflect.get(realTest() as object, prop),
  has: (_target, prop) => Reflect.has(realTest() as object, prop),
})

export type { KafkaFixture, KafkaOptions }
