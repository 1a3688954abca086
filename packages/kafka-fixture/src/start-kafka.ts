import { checkOptions, debugLogger, InvalidOptionsError, LOOPBACK } from '@infra/fixture-core'
import { checkVersionOfHome } from './broker/jars.js'
import { DEFAULT_KAFKA_VERSION } from './broker/kafka-version.js'
import { startLocalCluster } from './broker/local-cluster.js'
import { KafkaFixture } from './kafka-fixture.js'
import {
  address,
  CONNECT_OPTIONS,
  type ConnectKafkaOptions,
  KAFKA_OPTIONS,
  type KafkaOptions,
  nodeOverrides,
} from './options.js'
import { runPrefix } from './topics/topic-names.js'
import { warmTransactions } from './topics/transaction-warmup.js'

export const EXTERNAL_BROKERS_ENV = 'INFRA_KAFKA_BROKERS'

const debug = debugLogger('infra:kafka')

/** Parses `host:port,host:port` (as in $INFRA_KAFKA_BROKERS). */
export function parseBrokerList(s: string): string[] {
  return s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean)
}

/**
 * Starts Apache Kafka for tests (local KRaft brokers from Maven Central jars on Java 17), or connects
 * to external brokers. Options are checked before anything starts (an unknown key is an
 * `InvalidOptionsError` naming the nearest option).
 *
 * ```ts
 * await using kafka = await startKafka({ nodes: 3 })
 * const topic = await kafka.createTopic({ partitions: 3, minInsyncReplicas: 2 })
 * await kafka.produce(topic, ['a', 'b'])
 * const got = await kafka.consume(topic, { count: 2 })
 * ```
 */
export async function startKafka(options: KafkaOptions = {}): Promise<KafkaFixture> {
  const o = checkOptions('startKafka()', options, KAFKA_OPTIONS)
  // like INFRA_PG_URL / INFRA_REDIS_URL: external brokers in the environment switch the default provider
  const provider =
    o.provider ?? (o.externalBrokers || process.env[EXTERNAL_BROKERS_ENV] ? 'external' : 'local')
  debug?.(`provider ${provider}${o.provider ? '' : ' (default)'}`)
  if (provider === 'external') {
    const fromEnv = process.env[EXTERNAL_BROKERS_ENV]
    const brokers = o.externalBrokers ?? (fromEnv ? parseBrokerList(fromEnv) : [])
    if (brokers.length === 0) {
      throw new InvalidOptionsError(
        'externalBrokers',
        `provider 'external' needs externalBrokers or $${EXTERNAL_BROKERS_ENV}=host:port,…`,
      )
    }
    for (const b of brokers) address(b, EXTERNAL_BROKERS_ENV)
    debug?.(`external brokers ${brokers.join(',')}`)
    return new KafkaFixture({
      provider,
      brokers,
      version: o.version ?? 'external',
      topicPrefix: o.topicPrefix ?? runPrefix('infra'),
      clientLogLevel: o.clientLogLevel,
      deleteOwnTopics: true,
    })
  }
  checkVersionOfHome(o.version, o.kafkaHome)
  const startTimeoutMs = o.startTimeoutMs ?? 90_000
  const size = o.nodes ?? 1
  const firstNodeId = o.firstNodeId ?? 1
  const ids = Array.from({ length: size }, (_, i) => firstNodeId + i)
  // every node's config is checked before anything starts
  const perNode = nodeOverrides(ids, o.nodeConfig)
  const advertisedHost = o.advertisedHost ?? LOOPBACK
  const cluster = await startLocalCluster({
    size,
    firstNodeId,
    advertisedHost,
    version: o.version ?? DEFAULT_KAFKA_VERSION,
    kafkaHome: o.kafkaHome,
    java: o.java,
    cds: o.cds,
    heapMb: o.heapMb ?? 512,
    sharedJvm: o.sharedJvm,
    jvmFlags: o.jvmFlags,
    brokerConfig: o.brokerConfig,
    nodeConfig: (id) => perNode.get(id),
    startTimeoutMs,
    logLevel: o.brokerLogLevel ?? 'WARN',
  })
  const kafka = new KafkaFixture({
    provider,
    brokers: cluster.nodes.map((n) => `${advertisedHost}:${n.brokerPort}`),
    version: cluster.version,
    topicPrefix: o.topicPrefix ?? runPrefix('test'),
    clientLogLevel: o.clientLogLevel,
    cluster,
    stopGraceMs: o.stopGraceMs,
    startTimeoutMs,
    deleteOwnTopics: false,
  })
  if (o.transactions) {
    try {
      await warmTransactions({ brokerList: kafka.brokers, cluster }, kafka.topicPrefix, startTimeoutMs)
    } catch (err) {
      await kafka.stop()
      throw err
    }
  }
  if (o.warmUp !== false) kafka.warmUp()
  return kafka
}

/**
 * A handle on brokers someone else runs (e.g. the cluster a vitest global setup started:
 * `connectKafka(kafka.connectionInfo)`): all the helpers, no broker faults; stop() deletes only the topics
 * and groups this handle created.
 */
export function connectKafka(options: ConnectKafkaOptions): KafkaFixture {
  const o = checkOptions('connectKafka()', options, CONNECT_OPTIONS)
  debug?.(`handle on ${o.provider ?? 'external'} brokers ${o.brokers.join(',')}`)
  return new KafkaFixture({
    provider: o.provider ?? 'external',
    brokers: [...o.brokers],
    version: o.version ?? 'external',
    topicPrefix: o.topicPrefix ?? runPrefix('w'),
    clientLogLevel: o.clientLogLevel,
    deleteOwnTopics: true,
  })
}
