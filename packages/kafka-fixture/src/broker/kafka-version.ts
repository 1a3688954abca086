/**
 * The Kafka version the fixture runs by default. Keep in sync with `<kafka.version>` in
 * tooling/kafka/pom.xml (the jar fetcher's default).
 */
export const DEFAULT_KAFKA_VERSION = '4.3.1'

const VERSION_RE = /^\d+\.\d+\.\d+$/

export function isKafkaVersion(v: string): boolean {
  return VERSION_RE.test(v)
}
