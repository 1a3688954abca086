/**
 * The Kafka version the fixture runs by default. Keep in sync with `<kafka.version>` in
 * tooling/kafka/pom.xml (the jar fetcher's default).
 */
export const DEFAULT_KAFKA_VERSION = '4.3.1'

const VERSION_RE = /^\d+\.\d+\.\d+$/

export function isKafkaVersion(v: string): boolean {
  return VERSION_RE.test(v)
}

/**
 * The oldest release the fixture runs: it starts KRaft combined broker+controller nodes only, which
 * Kafka supports in production from 3.3 (ZooKeeper-era releases cannot run this way).
 */
export const MIN_KAFKA_VERSION = '3.3.0'

/** Orders `x.y.z` versions: negative when a < b, 0 when equal, positive when a > b. */
export function compareKafkaVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}
