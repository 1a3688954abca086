import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  compareKafkaVersions,
  DEFAULT_KAFKA_VERSION,
  isKafkaVersion,
  MIN_KAFKA_VERSION,
} from './kafka-version.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')

describe('DEFAULT_KAFKA_VERSION', () => {
  it('matches the jar fetcher pom (tooling/kafka/pom.xml)', () => {
    const pom = fs.readFileSync(path.join(repoRoot, 'tooling/kafka/pom.xml'), 'utf8')
    expect(/<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1]).toBe(DEFAULT_KAFKA_VERSION)
    expect(isKafkaVersion(DEFAULT_KAFKA_VERSION)).toBe(true)
  })
})

describe('compareKafkaVersions', () => {
  it('orders numerically, not as strings', () => {
    expect(compareKafkaVersions('3.10.0', '3.9.2')).toBeGreaterThan(0)
    expect(compareKafkaVersions('3.2.3', MIN_KAFKA_VERSION)).toBeLessThan(0)
    expect(compareKafkaVersions('4.3.1', '4.3.1')).toBe(0)
    expect(compareKafkaVersions(DEFAULT_KAFKA_VERSION, MIN_KAFKA_VERSION)).toBeGreaterThan(0)
  })
})
