#!/usr/bin/env node
// Fetches the Apache Kafka broker jars @infra/kafka-fixture runs, from Maven Central into the
// fixtures cache (needs Java 17 and Maven). Any Kafka release on Maven Central, one cache dir each.
// Usage: infra-kafka-fetch [--version] <version>   (default: the package's default Kafka version)
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const script = fileURLToPath(new URL('../dist/kafka/fetch-jars.sh', import.meta.url))
const result = spawnSync('bash', [script, ...process.argv.slice(2)], { stdio: 'inherit' })
if (result.error) {
  console.error(`infra-kafka-fetch: could not run bash ${script}: ${result.error.message}`)
  process.exit(1)
}
process.exit(result.status ?? 1)
