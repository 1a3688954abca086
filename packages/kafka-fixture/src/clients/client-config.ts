import type { ConsumerConfig, Kafka, KafkaConfig, ProducerConfig, RetryOptions } from 'kafkajs'
import kafkajs from 'kafkajs'

const { Kafka: KafkaClient, logLevel } = kafkajs

export type ClientLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug'

const LEVELS: Record<ClientLogLevel, number> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
}

/**
 * Short retries with a finite total (~9 s): polls every ≤ 500 ms, so a producer notices a new
 * partition leader soon after a failover (~3 s with the fixture's broker settings), never a hang.
 */
export const TEST_RETRY: RetryOptions = {
  initialRetryTime: 100,
  maxRetryTime: 500,
  retries: 20,
  factor: 0.2,
  multiplier: 2,
}

/** kafkajs client settings for tests: quick connects, finite retries, quiet by default. */
export function testClientConfig(
  brokers: readonly string[],
  overrides: Partial<KafkaConfig> & { logLevelName?: ClientLogLevel } = {},
): KafkaConfig {
  const { logLevelName, ...rest } = overrides
  const envLevel = process.env.INFRA_KAFKA_CLIENT_LOG as ClientLogLevel | undefined
  const level = LEVELS[logLevelName ?? envLevel ?? 'nothing'] ?? logLevel.NOTHING
  return {
    clientId: 'infra-kafka-fixture',
    brokers: [...brokers],
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: TEST_RETRY,
    logLevel: level,
    ...rest,
  }
}

export function createClient(
  brokers: readonly string[],
  overrides: Partial<KafkaConfig> & { logLevelName?: ClientLogLevel } = {},
): Kafka {
  return new KafkaClient(testClientConfig(brokers, overrides))
}

/**
 * Consumer settings that join a group in a few hundred ms and see new messages within ~100 ms:
 * heartbeat often, short rebalance timeout, short fetch wait. The session timeout stays at 6 s (the
 * default minimum of an unconfigured broker, so it also works against external clusters).
 */
export function testConsumerConfig(groupId: string, overrides: Partial<ConsumerConfig> = {}): ConsumerConfig {
  return {
    groupId,
    sessionTimeout: 6_000,
    rebalanceTimeout: 5_000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 100,
    allowAutoTopicCreation: false,
    retry: TEST_RETRY,
    ...overrides,
  }
}

/**
 * Producer settings for no-loss tests: idempotent (no duplicates on retry), one request in flight
 * (order kept per partition across retries), finite retries.
 */
export function testProducerConfig(overrides: Partial<ProducerConfig> = {}): ProducerConfig {
  return {
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    retry: TEST_RETRY,
    ...overrides,
  }
}
