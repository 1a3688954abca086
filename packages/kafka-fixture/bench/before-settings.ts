// The start path as it was before the speed work of issue #23 (commit 5b212a3), re-created in the same
// run so "before" and "after" see the same (shared, noisy) machine: the machine's Java 17 (AppCDS),
// log4j-core as the logging backend, the old heap/young-generation flags, the old KRaft liveness and
// election settings, 10 MB indexes, Kafka's follower fetch backoff and metadata linger, JMX, and consume()'s
// 100 ms fetch wait.
// The fixture-side changes that only help a process's first start (Java version from the release file,
// the watchdog started in parallel) do not show in these steady-state runs.
import type { KafkaOptions } from '../src/index.js'

/** The machine's Java (17 here), which the fixture ran on before it fetched Java 25. */
export const SYSTEM_JAVA = '/usr/bin/java'

export const BEFORE_JVM_FLAGS = [
  '-Xms128m',
  '-Xmx512m',
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  '-XX:-UsePerfData',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
]

export const BEFORE_BROKER_CONFIG = {
  'broker.heartbeat.interval.ms': 250,
  'broker.session.timeout.ms': 2000,
  'controller.quorum.election.timeout.ms': 1000,
  'controller.quorum.election.backoff.max.ms': 1000,
  'controller.quorum.fetch.timeout.ms': 2000,
  'log.index.size.max.bytes': 10 * 1024 * 1024,
  'replica.fetch.backoff.ms': 1000,
  'controller.quorum.append.linger.ms': 25,
  // Kafka's metrics in JMX
  'metric.reporters': 'org.apache.kafka.common.metrics.JmxReporter',
  'metrics.jmx.exclude': '',
}

/** `consume()`'s consumer before it polled with a 25 ms fetch wait: the test consumers' 100 ms. */
export const BEFORE_CONSUMER_CONFIG = { maxWaitTimeInMs: 100 }

const beforePaths = new WeakSet<KafkaOptions>()

export function beforeOptions(opts: KafkaOptions): KafkaOptions {
  const before = {
    ...opts,
    java: SYSTEM_JAVA,
    jvmFlags: BEFORE_JVM_FLAGS,
    brokerConfig: { ...BEFORE_BROKER_CONFIG, ...opts.brokerConfig },
  }
  beforePaths.add(before)
  return before
}

/** The consumer settings of a round trip on the path `opts` (made by {@link beforeOptions} or not) starts. */
export function roundTripConsumerConfig(opts: KafkaOptions): { maxWaitTimeInMs?: number } {
  return beforePaths.has(opts) ? BEFORE_CONSUMER_CONFIG : {}
}

/** Runs `fn` with the brokers on log4j-core (read when a start builds its JVM arguments). */
export async function withLog4jCore<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.INFRA_KAFKA_LOG4J_CORE
  process.env.INFRA_KAFKA_LOG4J_CORE = '1'
  try {
    return await fn()
  } finally {
    if (saved === undefined) delete process.env.INFRA_KAFKA_LOG4J_CORE
    else process.env.INFRA_KAFKA_LOG4J_CORE = saved
  }
}
