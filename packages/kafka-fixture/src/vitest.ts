import {
  type ProvideTarget as CoreProvideTarget,
  composeGlobalSetups,
  defineServerFixtures,
  lazyCallable,
} from '@infra/fixture-core/vitest'
import { test as baseTest, inject, type TestAPI } from 'vitest'
import type { KafkaConnectionInfo, KafkaFixture } from './kafka-fixture.js'
import type { KafkaOptions } from './options.js'
import { connectKafka, startKafka } from './start-kafka.js'
import type { KafkaTopic } from './topics/kafka-topic.js'

/** The key under which {@link kafkaGlobalSetup} provides the brokers. */
export const KAFKA_PROVIDE_KEY = 'infraKafka'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by `kafkaGlobalSetup`: the run's brokers. */
    infraKafka: KafkaConnectionInfo
  }
}

/** The part of vitest's `TestProject` the global setup needs. */
export type ProvideTarget = CoreProvideTarget<typeof KAFKA_PROVIDE_KEY, KafkaConnectionInfo>

/**
 * Options of {@link createKafkaFixtures} that apply per worker, also with a global setup: they configure the
 * worker's handle on the shared brokers, not the brokers.
 */
const PER_WORKER_OPTIONS = ['topicPrefix', 'clientLogLevel'] as const

const glue = defineServerFixtures({
  key: KAFKA_PROVIDE_KEY,
  inject: () => inject(KAFKA_PROVIDE_KEY),
  globalSetupName: 'kafkaGlobalSetup()',
  fixturesName: 'createKafkaFixtures()',
  serverFixture: 'kafkaServer',
  isolatedFixture: 'topic',
  start: (options: KafkaOptions) => startKafka(options),
  // the workers' handles have no broker faults (the JVMs belong to the global-setup process), so a
  // cluster costs nothing in one JVM, and starts ~40 % sooner; `sharedJvm: false` keeps a JVM per node
  startForRun: (options: KafkaOptions) => startKafka({ sharedJvm: true, ...options }),
  info: (server: KafkaFixture) => server.connectionInfo,
  // the worker's handle reports the global setup's provider; its topics are prefixed `w-<8 hex>-`
  attach: (info, options) =>
    connectKafka({ ...info, topicPrefix: options.topicPrefix, clientLogLevel: options.clientLogLevel }),
  perWorkerOptions: PER_WORKER_OPTIONS,
})

/**
 * A vitest global setup that starts one Kafka (1 node by default; `{ nodes: 3 }` for a cluster, in one JVM
 * unless `sharedJvm: false`) for the whole run and hands its brokers to the workers (`inject('infraKafka')`). In your setup file:
 * `export default kafkaGlobalSetup({ nodes: 1 })`; with other global setups:
 * `composeGlobalSetups(postgresGlobalSetup(…), kafkaGlobalSetup())`.
 */
export const kafkaGlobalSetup: (
  options?: KafkaOptions,
) => (project: ProvideTarget) => Promise<() => Promise<void>> = glue.globalSetup

/** What `kafkaFixtures` adds to the test context. */
export interface KafkaFixtures {
  /**
   * The run's Kafka (worker-scoped): with `kafkaGlobalSetup` a handle on its shared brokers (all helpers, no
   * broker faults: the JVMs belong to the global-setup process); without it a Kafka started for this worker
   * (faults available).
   */
  kafkaServer: KafkaFixture
  /** A fresh topic for this test (1 partition, `kafkaServer.isolated()`), deleted after it. */
  topic: KafkaTopic
}

/**
 * `test.extend` fixtures: `kafkaServer` (worker-scoped) and `topic` (a fresh topic per test). With
 * `kafkaGlobalSetup` the workers share its brokers, configured there only: broker options here (`nodes`,
 * `version`, `brokerConfig`, …) then throw `InvalidOptionsError` (`topicPrefix` and `clientLogLevel` still
 * apply per worker). Without it each worker starts its own Kafka with `options`.
 */
export function createKafkaFixtures(options: KafkaOptions = {}) {
  return glue.fixtures(options)
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

export type { KafkaConnectionInfo, KafkaFixture, KafkaOptions, KafkaTopic }
export { composeGlobalSetups }
