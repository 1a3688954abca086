import { check, InvalidOptionsError, type OptionCheck, type OptionSchema } from '@infra/fixture-core'
import { type AdvertisedHost, type ConfigValue, FIXTURE_OWNED_CONFIG } from './broker/broker-config.js'
import { compareKafkaVersions, isKafkaVersion, MIN_KAFKA_VERSION } from './broker/kafka-version.js'
import type { ClientLogLevel } from './clients/client-config.js'
import type { KafkaProvider } from './kafka-fixture.js'

export interface KafkaOptions {
  /**
   * `local`: brokers started here. `external`: `externalBrokers` or $INFRA_KAFKA_BROKERS.
   * Default: `external` when either is given, else `local`.
   */
  provider?: KafkaProvider
  /** Number of combined broker+controller nodes (local). Default 1; 3 for a replicated cluster. */
  nodes?: number
  /**
   * Node id of the first node; the others follow (`firstNodeId` … `firstNodeId + nodes - 1`). Default 1;
   * 0 for suites written against docker-compose clusters (ids 0..n-1).
   */
  firstNodeId?: number
  /**
   * Host name the brokers advertise (in metadata, so what clients connect to) and `brokers` / `env()` use.
   * Default `'127.0.0.1'`. The listeners bind 127.0.0.1 either way.
   */
  advertisedHost?: AdvertisedHost
  /** Kafka version (local; jars from the cache). Default {@link DEFAULT_KAFKA_VERSION}. */
  version?: string
  /** An unpacked Apache Kafka distribution to run instead of the cached jars (or $KAFKA_HOME). */
  kafkaHome?: string
  /** Path to `java` (or a JDK dir); default $INFRA_KAFKA_JAVA, PATH, $JAVA_HOME, /usr/lib/jvm. Java 17+. */
  java?: string
  /** Use (and build on first start) a class-data-sharing archive. Default true ($INFRA_KAFKA_CDS=0 disables). */
  cds?: boolean
  /** Max heap per broker. Default 512. */
  heapMb?: number
  /**
   * Run every node of a cluster in one JVM (local, `nodes` ≥ 2). The nodes share the loaded classes and
   * the JIT's work, so a 3-node cluster starts in little more than one broker's time. They are still
   * separate brokers and controllers talking over loopback (replication, ISR, elections), but faults
   * act on the JVM: `kill()`, `pause()`, `resume()`, `restart()` hit the whole cluster, and
   * `killBroker(id)` / `pauseBroker` / `resumeBroker` / `restartBroker` throw `UnsupportedOperationError`.
   * Default false (a JVM per node).
   */
  sharedJvm?: boolean
  /** Replace the default JVM flags (heap, GC, JIT) entirely. */
  jvmFlags?: string[]
  /**
   * Extra/overriding server.properties entries for every node. Keys the fixture owns (`node.id`,
   * `process.roles`, `listeners`, `advertised.listeners`, `log.dirs`, the quorum) are rejected.
   */
  brokerConfig?: Record<string, ConfigValue>
  /**
   * Per-node entries, applied after `brokerConfig`: called with each node id before anything starts,
   * e.g. `(id) => ({ 'broker.rack': id === 0 ? 'a' : 'b' })`. Same rules as `brokerConfig`.
   */
  nodeConfig?: (nodeId: number) => Record<string, ConfigValue> | undefined
  /** Finite wait for the cluster to be ready. Default 90 000 ms. */
  startTimeoutMs?: number
  /** Grace between SIGTERM and SIGKILL in stop(). Default 1 000 ms (test data is thrown away). */
  stopGraceMs?: number
  /** Broker log level written to the fixture's log4j config. Default WARN. */
  brokerLogLevel?: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG'
  /** kafkajs log level for clients from `client()`. Default 'nothing' ($INFRA_KAFKA_CLIENT_LOG). */
  clientLogLevel?: ClientLogLevel
  /**
   * Prefix of created topics/groups. Default `test-<8 hex>-` (local), `infra-<8 hex>-` (external); a topic is
   * named `<prefix>t<n>-<6 hex>`.
   */
  topicPrefix?: string
  /** Prepare the producer and the offsets topic in the background after start (local). Default true. */
  warmUp?: boolean
  /**
   * Make transactions ready before `startKafka()` resolves (local): `__transaction_state` created and
   * every one of its partitions' coordinator loaded, so the first `producer.transaction()` neither waits
   * nor meets COORDINATOR_NOT_AVAILABLE. Default false.
   */
  transactions?: boolean
  /** External bootstrap brokers, `host:port` (default: $INFRA_KAFKA_BROKERS, comma-separated). */
  externalBrokers?: string[]
}

/** Options of {@link connectKafka}: a handle on brokers someone else runs. */
export interface ConnectKafkaOptions {
  /** Bootstrap addresses, `host:port`. */
  brokers: string[]
  /** Kafka version of the brokers. Default `'external'` (unknown). */
  version?: string
  /** Who runs the brokers (what the handle reports). Default `'external'`. */
  provider?: KafkaProvider
  /** Prefix of the topics and groups this handle creates. Default `w-<8 hex>-`. */
  topicPrefix?: string
  clientLogLevel?: ClientLogLevel
}

const ADDRESS = /^[^\s:]+:\d{1,5}$/
const CONFIG_NAME = /^[a-zA-Z0-9._-]+$/

/** A `host:port` string. */
export const address: OptionCheck = (value, key) => {
  if (typeof value !== 'string' || !ADDRESS.test(value)) {
    throw new InvalidOptionsError(key, `expected host:port, got ${JSON.stringify(value)}`)
  }
}

const topicPrefix: OptionCheck = (value, key) => {
  if (value !== undefined && !(typeof value === 'string' && /^[a-zA-Z0-9._-]{1,100}$/.test(value))) {
    throw new InvalidOptionsError(key, `only [a-zA-Z0-9._-], 1..100 chars, got ${JSON.stringify(value)}`)
  }
}

const version: OptionCheck = (value, key) => {
  if (value === undefined) return
  if (!(typeof value === 'string' && isKafkaVersion(value))) {
    throw new InvalidOptionsError(key, `expected a version like 4.3.1, got ${JSON.stringify(value)}`)
  }
  if (compareKafkaVersions(value, MIN_KAFKA_VERSION) < 0) {
    throw new InvalidOptionsError(
      key,
      `Kafka ${value} predates KRaft mode; the fixture runs KRaft nodes only (${MIN_KAFKA_VERSION} or later)`,
    )
  }
}

/** A map of server.properties entries a user may set (not the ones the fixture owns). */
export const brokerConfig: OptionCheck = (value, key) => {
  check.configMap()(value, key)
  for (const name of Object.keys((value as object | undefined) ?? {})) {
    if (!CONFIG_NAME.test(name)) throw new InvalidOptionsError(key, `'${name}' is not a config name`)
    const owned = FIXTURE_OWNED_CONFIG[name]
    if (owned) throw new InvalidOptionsError(key, `'${name}' is set by the fixture: ${owned}`)
  }
}

/**
 * Each node's own overrides: `nodeConfig(id)` called once for every node id, its result checked like
 * `brokerConfig` (the key in an error is `nodeConfig(<id>)`).
 */
export function nodeOverrides(
  ids: readonly number[],
  perNode: KafkaOptions['nodeConfig'],
): Map<number, Record<string, ConfigValue>> {
  const out = new Map<number, Record<string, ConfigValue>>()
  for (const id of ids) {
    let own: unknown
    try {
      own = perNode?.(id)
    } catch (err) {
      throw new InvalidOptionsError(`nodeConfig(${id})`, `threw: ${(err as Error)?.message ?? String(err)}`)
    }
    if (own !== undefined) brokerConfig(own, `nodeConfig(${id})`)
    if (own !== undefined) out.set(id, own as Record<string, ConfigValue>)
  }
  return out
}

const provider = check.oneOf('local', 'external')
const clientLogLevel = check.oneOf('nothing', 'error', 'warn', 'info', 'debug')

export const KAFKA_OPTIONS: OptionSchema<KafkaOptions> = {
  provider,
  nodes: check.int(1, 9),
  firstNodeId: check.int(0, 1_000_000),
  advertisedHost: check.oneOf('127.0.0.1', 'localhost'),
  version,
  kafkaHome: check.string(),
  java: check.string(),
  cds: check.boolean(),
  heapMb: check.int(64),
  sharedJvm: check.boolean(),
  jvmFlags: check.arrayOf(check.string()),
  brokerConfig,
  nodeConfig: check.func(),
  startTimeoutMs: check.ms(),
  stopGraceMs: check.ms({ allowZero: true }),
  brokerLogLevel: check.oneOf('ERROR', 'WARN', 'INFO', 'DEBUG'),
  clientLogLevel,
  topicPrefix,
  warmUp: check.boolean(),
  transactions: check.boolean(),
  externalBrokers: check.arrayOf(address, { minLength: 1 }),
}

export const CONNECT_OPTIONS: OptionSchema<ConnectKafkaOptions> = {
  brokers: (value, key) => {
    if (value === undefined) throw new InvalidOptionsError(key, 'give at least one host:port')
    check.arrayOf(address, { minLength: 1 })(value, key)
  },
  version: check.string(),
  provider,
  topicPrefix,
  clientLogLevel,
}
