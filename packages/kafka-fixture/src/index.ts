export {
  BinaryNotFoundError,
  EnvironmentError,
  FixtureError,
  FixtureStateError,
  InvalidOptionsError,
  PortInUseError,
  ProcessExitedError,
  StartupTimeoutError,
  UnsupportedOperationError,
  WaitTimeoutError,
} from '@infra/fixture-core'
export type { AdvertisedHost, ConfigValue } from './broker/broker-config.js'
export { FIXTURE_OWNED_CONFIG, testBrokerDefaults } from './broker/broker-config.js'
export { cachedLibsDir, fetchCommand, KAFKA_HOME_ENV, resolveKafkaLibs } from './broker/jars.js'
export { JAVA_ENV_VAR, resolveJava } from './broker/java.js'
export { DEFAULT_KAFKA_VERSION, MIN_KAFKA_VERSION } from './broker/kafka-version.js'
export {
  type ClientLogLevel,
  TEST_RETRY,
  testClientConfig,
  testConsumerConfig,
  testProducerConfig,
} from './clients/client-config.js'
export type {
  ConsumedMessage,
  ConsumeOptions,
  JoinedConsumer,
  JoinedConsumerOptions,
} from './clients/consume.js'
export type { ProduceMessage, ProduceOptions } from './clients/produce.js'
export {
  type CreateTopicOptions,
  type KafkaConnectionInfo,
  KafkaFixture,
  type KafkaProvider,
  type NodeInfo,
  type WaitForTopicOptions,
} from './kafka-fixture.js'
export type { ConnectKafkaOptions, KafkaOptions } from './options.js'
export { connectKafka, EXTERNAL_BROKERS_ENV, parseBrokerList, startKafka } from './start-kafka.js'
export { KafkaTopic, type TopicRef } from './topics/kafka-topic.js'
