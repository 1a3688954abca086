import { InvalidOptionsError, LOOPBACK } from '@infra/fixture-core'
import type { ConfigValue } from './broker-config.js'
import type { ClientLogLevel } from './client-config.js'
import { KafkaFixture, type KafkaProvider } from './kafka-fixture.js'
import { DEFAULT_KAFKA_VERSION, isKafkaVersion } from './kafka-version.js'
import { startLocalCluster } from './local-cluster.js'
import { runPrefix } from './topic-names.js'

export const EXTERNAL_BROKERS_ENV = 'INFRA_KAFKA_BROKERS'

export interface KafkaOptions {
  /**
   * `local`: brokers started here. `external`: `externalBrokers` or $INFRA_KAFKA_BROKERS.
   * Default: `external` when either is given, else `local`.
   */
  provider?: KafkaProvider
  /** Number of combined broker+controller nodes (local). Default 1; 3 for a replicated cluster. */
  brokers?: number
  /** Kafka version (local; jars from the cache). Default {@link DEFAULT_KAFKA_VERSION}. */
  version?: string
  /** An unpacked Apache Kafka distribution to run instead of the cached jars (or $KAFKA_HOME). */
  kafkaHome?: string
  /** Path to `java` (or a JDK dir); default $INFRA_KAFKA_JAVA, $JAVA_HOME, PATH. Java 17+. */
  java?: string
  /** Use (and build on first start) a class-data-sharing archive. Default true ($INFRA_KAFKA_CDS=0 disables). */
  cds?: boolean
  /** Max heap per broker. Default 512. */
  heapMb?: number
  /** Replace the default JVM flags (heap, GC, JIT) entirely. */
  jvmFlags?: string[]
  /** Extra/overriding server.properties entries for every node. */
  brokerConfig?: Record<string, ConfigValue>
  /** Finite wait for the cluster to be ready. Default 90 000 ms. */
  startTimeoutMs?: number
  /** Grace between SIGTERM and SIGKILL in stop(). Default 1 000 ms (test data is thrown away). */
  stopGraceMs?: number
  /** Broker log level written to the fixture's log4j config. Default WARN. */
  brokerLogLevel?: 'ERROR' | 'WARN' | 'INFO' | 'DEBUG'
  /** kafkajs log level for clients from `client()`. Default 'nothing' ($INFRA_KAFKA_CLIENT_LOG). */
  clientLogLevel?: ClientLogLevel
  /** Prefix of created topics/groups. Default `test-<random>-` (local), `infra-<random>-` (external). */
  topicPrefix?: string
  /** Prepare the producer and the offsets topic in the background after start (local). Default true. */
  warmUp?: boolean
  /** External bootstrap brokers, `host:port` (default: $INFRA_KAFKA_BROKERS, comma-separated). */
  externalBrokers?: string[]
}

const ADDR = /^[^\s:]+:\d{1,5}$/

/** Throws `InvalidOptionsError(key)` for the first entry that is not `host:port`. */
function checkAddresses(key: string, addrs: readonly string[]): void {
  for (const b of addrs) if (!ADDR.test(b)) throw new InvalidOptionsError(key, `'${b}' is not host:port`)
}

function validateTopicPrefix(prefix: string | undefined): void {
  if (prefix !== undefined && !/^[a-zA-Z0-9._-]{1,100}$/.test(prefix)) {
    throw new InvalidOptionsError('topicPrefix', `only [a-zA-Z0-9._-], 1..100 chars, got '${prefix}'`)
  }
}

function validate(o: KafkaOptions): void {
  const fail = (k: string, why: string) => {
    throw new InvalidOptionsError(k, why)
  }
  if (o.provider !== undefined && o.provider !== 'local' && o.provider !== 'external') {
    fail('provider', `expected 'local' or 'external', got '${o.provider}'`)
  }
  if (o.brokers !== undefined && !(Number.isInteger(o.brokers) && o.brokers >= 1 && o.brokers <= 9)) {
    fail('brokers', `expected an integer 1..9, got ${o.brokers}`)
  }
  if (o.version !== undefined && !isKafkaVersion(o.version))
    fail('version', `expected a version like 4.3.1, got '${o.version}'`)
  if (o.heapMb !== undefined && !(Number.isInteger(o.heapMb) && o.heapMb >= 64)) {
    fail('heapMb', `expected an integer >= 64, got ${o.heapMb}`)
  }
  for (const k of ['startTimeoutMs', 'stopGraceMs'] as const) {
    const v = o[k]
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && (k !== 'startTimeoutMs' || v > 0))) {
      fail(k, `expected a finite number${k === 'startTimeoutMs' ? ' > 0' : ' >= 0'}, got ${v}`)
    }
  }
  validateTopicPrefix(o.topicPrefix)
  if (o.brokerConfig) {
    for (const [k, v] of Object.entries(o.brokerConfig)) {
      if (!/^[a-zA-Z0-9._-]+$/.test(k)) fail('brokerConfig', `'${k}' is not a config name`)
      if (!['string', 'number', 'boolean'].includes(typeof v))
        fail('brokerConfig', `'${k}' must be a string, number or boolean`)
    }
  }
  if (o.externalBrokers) checkAddresses('externalBrokers', o.externalBrokers)
}

/** Parses `host:port,host:port` (as in $INFRA_KAFKA_BROKERS). */
export function parseBrokerList(s: string): string[] {
  return s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean)
}

/**
 * Starts Apache Kafka for tests (local KRaft brokers from Maven Central jars on Java 17), or connects
 * to external brokers. Options are validated before anything starts.
 *
 * ```ts
 * await using kafka = await startKafka({ brokers: 3 })
 * const topic = await kafka.createTopic({ partitions: 3, minInsyncReplicas: 2 })
 * await kafka.produce(topic, ['a', 'b'])
 * const got = await kafka.consume(topic, { count: 2 })
 * ```
 */
export async function startKafka(options: KafkaOptions = {}): Promise<KafkaFixture> {
  validate(options)
  // like INFRA_PG_URL / INFRA_REDIS_URL: external brokers in the environment switch the default provider
  const provider =
    options.provider ?? (options.externalBrokers || process.env[EXTERNAL_BROKERS_ENV] ? 'external' : 'local')
  if (provider === 'external') {
    const fromEnv = process.env[EXTERNAL_BROKERS_ENV]
    const brokers = options.externalBrokers ?? (fromEnv ? parseBrokerList(fromEnv) : [])
    if (brokers.length === 0) {
      throw new InvalidOptionsError(
        'externalBrokers',
        `provider 'external' needs externalBrokers or $${EXTERNAL_BROKERS_ENV}=host:port,…`,
      )
    }
    checkAddresses(EXTERNAL_BROKERS_ENV, brokers)
    return new KafkaFixture({
      provider,
      brokers,
      version: options.version ?? 'external',
      topicPrefix: options.topicPrefix ?? runPrefix('infra'),
      clientLogLevel: options.clientLogLevel,
      deleteOwnTopics: true,
    })
  }
  const startTimeoutMs = options.startTimeoutMs ?? 90_000
  const cluster = await startLocalCluster({
    size: options.brokers ?? 1,
    version: options.version ?? DEFAULT_KAFKA_VERSION,
    kafkaHome: options.kafkaHome,
    java: options.java,
    cds: options.cds,
    heapMb: options.heapMb ?? 512,
    jvmFlags: options.jvmFlags,
    brokerConfig: options.brokerConfig,
    startTimeoutMs,
    logLevel: options.brokerLogLevel ?? 'WARN',
  })
  const kafka = new KafkaFixture({
    provider,
    brokers: cluster.nodes.map((n) => `${LOOPBACK}:${n.brokerPort}`),
    version: cluster.version,
    topicPrefix: options.topicPrefix ?? runPrefix('test'),
    clientLogLevel: options.clientLogLevel,
    cluster,
    stopGraceMs: options.stopGraceMs,
    startTimeoutMs,
    deleteOwnTopics: false,
  })
  if (options.warmUp !== false) kafka.warmUp()
  return kafka
}

/**
 * A handle on brokers someone else runs (e.g. the cluster a vitest global setup started): all the
 * helpers, no faults; stop() deletes only the topics and groups this handle created.
 */
export function connectKafka(opts: {
  brokers: string[]
  version?: string
  topicPrefix?: string
  clientLogLevel?: ClientLogLevel
}): KafkaFixture {
  if (!opts.brokers.length) throw new InvalidOptionsError('brokers', 'give at least one host:port')
  validateTopicPrefix(opts.topicPrefix)
  checkAddresses('brokers', opts.brokers)
  return new KafkaFixture({
    provider: 'external',
    brokers: opts.brokers,
    version: opts.version ?? 'external',
    topicPrefix: opts.topicPrefix ?? runPrefix('w'),
    clientLogLevel: opts.clientLogLevel,
    deleteOwnTopics: true,
  })
}
