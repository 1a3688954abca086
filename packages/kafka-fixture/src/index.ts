export type { ConfigValue } from './broker-config.js'
export { testBrokerDefaults } from './broker-config.js'
export {
  type ClientLogLevel,
  TEST_RETRY,
  testClientConfig,
  testConsumerConfig,
  testProducerConfig,
} from './client-config.js'
export type { ConsumedMessage, ConsumeOptions, JoinedConsumer, JoinedConsumerOptions } from './consume.js'
export { cachedLibsDir, fetchCommand, KAFKA_HOME_ENV, resolveKafkaLibs } from './jars.js'
export { JAVA_ENV_VAR, resolveJava } from './java.js'
export {
  type CreateTopicOptions,
  type KafkaConnectionInfo,
  KafkaFixture,
  type KafkaProvider,
  type NodeInfo,
  type WaitForTopicOptions,
} from './kafka-fixture.js'
export { DEFAULT_KAFKA_VERSION } from './kafka-version.js'
export type { ProduceMessage, ProduceOptions } from './produce.js'
export {
  connectKafka,
  EXTERNAL_BROKERS_ENV,
  type KafkaOptions,
  parseBrokerList,
  startKafka,
} from './start-kafka.js'
