// What a KafkaFixture is built from (start-kafka, connect-kafka) and what it hands to other processes.
import type { Provider } from '@infra/fixture-core'
import type { LocalCluster } from './broker/local-cluster.js'
import type { ClientLogLevel } from './clients/client-config.js'

export type KafkaProvider = Provider

/** What another process needs to reach these brokers (`connectKafka(info)`); what the global setup provides. */
export interface KafkaConnectionInfo {
  /** Bootstrap addresses, `host:port`. */
  brokers: string[]
  /** Kafka version of the brokers (`'external'` when unknown). */
  version: string
  /** Who runs the brokers: a worker's handle on a global setup's brokers reports that provider. */
  provider: KafkaProvider
}

export interface KafkaFixtureInit {
  provider: KafkaProvider
  brokers: string[]
  version: string
  topicPrefix: string
  clientLogLevel?: ClientLogLevel
  cluster?: LocalCluster
  stopGraceMs?: number
  startTimeoutMs?: number
  /** External/attached handles: delete the topics they created when they stop (default true). */
  deleteOwnTopics?: boolean
}
