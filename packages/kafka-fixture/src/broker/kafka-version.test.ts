import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DEFAULT_KAFKA_VERSION, isKafkaVersion } from './kafka-version.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')

describe('DEFAULT_KAFKA_VERSION', () => {
  it('matches the jar fetcher pom (tooling/kafka/pom.xml)', () => {
    const pom = fs.readFileSync(path.join(repoRoot, 'tooling/kafka/pom.xml'), 'utf8')
    expect(/<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1]).toBe(DEFAULT_KAFKA_VERSION)
    expect(isKafkaVersion(DEFAULT_KAFKA_VERSION)).toBe(true)
  })
})
