import {
  composeGlobalSetups,
  lazyCallable,
  serverGlobalSetup,
  sharedServerFixture,
} from '@infra/fixture-core'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { KafkaConnectionInfo, KafkaFixture } from './kafka-fixture.js'
import { connectKafka, type KafkaOptions, startKafka } from './start-kafka.js'

/** The key under which {@link kafkaGlobalSetup} provides the brokers. */
export const KAFKA_PROVIDE_KEY = 'infraKafka'

/** @deprecated The old name of {@link KafkaConnectionInfo}. */
export type ProvidedKafka = KafkaConnectionInfo

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by `kafkaGlobalSetup`: the run's brokers. */
    infraKafka: KafkaConnectionInfo
  }
}

/** The part of vitest's `TestProject` the global setup needs. */
export interface ProvideTarget {
  provide(key: typeof KAFKA_PROVIDE_KEY, value: KafkaConnectionInfo): void
}

/**
 * A vitest global setup that starts one Kafka (1 broker by default; `{ brokers: 3 }` for a cluster) for the
 * whole run and hands its brokers to the workers (`inject('infraKafka')`). In your setup file:
 * `export default kafkaGlobalSetup({ brokers: 1 })`; with other global setups:
 * `composeGlobalSetups(postgresGlobalSetup(…), kafkaGlobalSetup())`.
 */
export function kafkaGlobalSetup(
  options: KafkaOptions = {},
): (project: ProvideTarget) => Promise<() => Promise<void>> {
  return serverGlobalSetup(
    () => startKafka(options),
    (project: ProvideTarget, server) => project.provide(KAFKA_PROVIDE_KEY, server.connectionInfo),
  )
}

type Use<T> = (value: T) => Promise<void>

/** What `kafkaFixtures` adds to the test context. */
export interface KafkaFixtures {
  /**
   * The run's Kafka (worker-scoped): with `kafkaGlobalSetup` a handle on its shared brokers (all helpers, no
   * broker faults: the JVMs belong to the global-setup process); without it a Kafka started for this worker
   * (faults available).
   */
  kafkaServer: KafkaFixture
  /** A fresh topic for this test (1 partition), deleted after it. */
  topic: string
}

/**
 * Options of {@link createKafkaFixtures} that apply per worker, also with a global setup: they configure the
 * worker's handle on the shared brokers, not the brokers.
 */
const PER_WORKER_OPTIONS = ['topicPrefix', 'clientLogLevel'] as const

/**
 * `test.extend` fixtures: `kafkaServer` (worker-scoped) and `topic` (a fresh topic per test). With
 * `kafkaGlobalSetup` the workers share its brokers, configured there only: broker options here (`brokers`,
 * `version`, `brokerConfig`, …) then throw `InvalidOptionsError` (`topicPrefix` and `clientLogLevel` still
 * apply per worker). Without it each worker starts its own Kafka with `options`.
 */
export function createKafkaFixtures(options: KafkaOptions = {}) {
  return {
    kafkaServer: sharedServerFixture<KafkaConnectionInfo, KafkaFixture>({
      fixtures: 'createKafkaFixtures()',
      globalSetup: 'kafkaGlobalSetup()',
      injected: () => inject(KAFKA_PROVIDE_KEY),
      attach: (info) =>
        connectKafka({ ...info, topicPrefix: options.topicPrefix, clientLogLevel: options.clientLogLevel }),
      start: () => startKafka(options),
      serverOptions: options,
      perWorkerOptions: PER_WORKER_OPTIONS,
    }),
    topic: async ({ kafkaServer }: { kafkaServer: KafkaFixture }, use: Use<string>) => {
      const topic = await kafkaServer.createTopic()
      try {
        await use(topic)
      } finally {
        await kafkaServer.deleteTopic(topic).catch(() => {})
      }
    },
  }
}

/**
 * The fixture definitions as `test.extend` sees them (the worker-scoped `kafkaServer` is typed as its
 * function, so `baseTest.extend(kafkaFixtures)` infers {@link KafkaFixtures} without a type argument).
 */
export type KafkaFixtureDefinitions = ReturnType<typeof createKafkaFixtures>

/** The fixtures with default options (compose: `baseTest.extend(pgFixtures).extend(kafkaFixtures)`). */
export const kafkaFixtures: KafkaFixtureDefinitions = createKafkaFixtures()

/** vitest's `test` with `kafkaServer` and `topic`: `test('x', async ({ kafkaServer, topic }) => { ... })`. */
export const test: TestAPI<KafkaFixtures> = lazyCallable(() => baseTest.extend(kafkaFixtures))

export type { KafkaConnectionInfo, KafkaFixture, KafkaOptions }
export { composeGlobalSetups }
