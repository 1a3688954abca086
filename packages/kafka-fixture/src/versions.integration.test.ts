import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cachedLibsDir } from './broker/jars.js'
import { DEFAULT_KAFKA_VERSION } from './broker/kafka-version.js'
import type { KafkaFixture } from './kafka-fixture.js'
import { startKafka } from './start-kafka.js'
import { fetchApiVersions } from './wire/kafka-wire.js'

// Two Kafka releases in one run: the default (fetched by tooling/bootstrap.sh) and another one, fetched
// here from Maven Central into the jar cache on a fresh machine (once; later runs find it cached).
const OTHER_VERSION = '3.9.2' // tooling/bootstrap.sh fetches it too
const FETCH_TIMEOUT_MS = 300_000
const API_FETCH = 1

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const fetchScript = path.join(repoRoot, 'tooling/kafka/fetch-jars.sh')

async function ensureJars(version: string): Promise<void> {
  if (fs.existsSync(path.join(cachedLibsDir(version), '.complete'))) {
    console.log(`Kafka ${version} jars: already in the cache (${cachedLibsDir(version)})`)
    return
  }
  const started = Date.now()
  try {
    await promisify(execFile)('bash', [fetchScript, '--version', version], {
      timeout: FETCH_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
    })
  } catch (err) {
    const e = err as { stderr?: string; message: string }
    throw new Error(
      `fetching Kafka ${version} (bash ${fetchScript} --version ${version}) failed after ${Date.now() - started} ms: ${e.message}\n${(e.stderr ?? '').slice(-3000)}`,
    )
  }
  console.log(`Kafka ${version} jars: fetched from Maven Central in ${Date.now() - started} ms`)
}

/** The version the broker itself reports: AppInfoParser's "Kafka version: X" line at start. */
function reportedVersion(kafka: KafkaFixture): string | undefined {
  const id = kafka.nodeIds[0]!
  for (const line of kafka.brokerLogs(id)) {
    const m = /Kafka version: (\S+)/.exec(line)
    if (m) return m[1]
  }
  return undefined
}

async function minFetchVersion(kafka: KafkaFixture): Promise<number | undefined> {
  const { errorCode, apis } = await fetchApiVersions('127.0.0.1', kafka.nodes[0]!.brokerPort)
  expect(errorCode).toBe(0)
  return apis.find((a) => a.apiKey === API_FETCH)?.minVersion
}

let current: KafkaFixture | undefined
let other: KafkaFixture | undefined

beforeAll(async () => {
  await ensureJars(OTHER_VERSION)
  // INFO: the broker logs its own version at start; the other release without a class-data archive
  // (building one is a throwaway broker more)
  current = await startKafka({ brokerLogLevel: 'INFO' })
  other = await startKafka({ version: OTHER_VERSION, brokerLogLevel: 'INFO', cds: false })
}, FETCH_TIMEOUT_MS + 240_000)

afterAll(async () => {
  await Promise.all([current?.stop(), other?.stop()])
})

describe(`two Kafka versions in one run (${DEFAULT_KAFKA_VERSION} and ${OTHER_VERSION})`, () => {
  it('each broker runs the version asked for, as it reports itself', () => {
    expect(current!.version).toBe(DEFAULT_KAFKA_VERSION)
    expect(other!.version).toBe(OTHER_VERSION)
    expect(reportedVersion(current!)).toBe(DEFAULT_KAFKA_VERSION)
    expect(reportedVersion(other!)).toBe(OTHER_VERSION)
  })

  it('their protocols differ as the releases do (Kafka 4 removed Fetch v0–v3)', async () => {
    const minFor = (v: string) => (Number(v.split('.')[0]) >= 4 ? 4 : 0)
    expect(await minFetchVersion(current!)).toBe(minFor(DEFAULT_KAFKA_VERSION))
    expect(await minFetchVersion(other!)).toBe(minFor(OTHER_VERSION))
  })

  it('both serve the fixture helpers: topic, produce, consume', async () => {
    for (const kafka of [current!, other!]) {
      const topic = await kafka.createTopic({ partitions: 2 })
      await kafka.produce(topic, [`${kafka.version}-a`, `${kafka.version}-b`])
      const got = await kafka.consume(topic, { count: 2 })
      expect(got.map((m) => m.value).sort()).toEqual([`${kafka.version}-a`, `${kafka.version}-b`])
    }
  })
})
