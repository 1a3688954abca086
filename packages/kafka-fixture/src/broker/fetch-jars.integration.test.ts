import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { cachedLibsDir } from './jars.js'
import { DEFAULT_KAFKA_VERSION } from './kafka-version.js'

const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const script = path.resolve(pkgDir, '../../tooling/kafka/fetch-jars.sh')

describe('tooling/kafka/fetch-jars.sh', () => {
  it('is idempotent: with the jars cached it only prints where they are', () => {
    const r = spawnSync('bash', [script], { encoding: 'utf8', timeout: 120_000 })
    expect(r.status).toBe(0)
    expect(r.stdout.trim().split('\n').at(-1)).toBe(cachedLibsDir(DEFAULT_KAFKA_VERSION))
  })

  it.each([
    [[DEFAULT_KAFKA_VERSION]],
    [['--version', DEFAULT_KAFKA_VERSION]],
    [[`--version=${DEFAULT_KAFKA_VERSION}`]],
  ])('the packaged bin runs the same script: infra-kafka-fetch %j', (args) => {
    const r = spawnSync(process.execPath, [path.join(pkgDir, 'bin/infra-kafka-fetch.mjs'), ...args], {
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(r.status).toBe(0)
    expect(r.stdout.trim()).toBe(cachedLibsDir(DEFAULT_KAFKA_VERSION))
  })

  it('a version that is not on Maven Central: says so and leaves nothing in the cache', () => {
    const r = spawnSync('bash', [script, '--version', '0.0.1'], { encoding: 'utf8', timeout: 120_000 })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('Kafka 0.0.1 is not on Maven Central')
    expect(fs.existsSync(path.dirname(cachedLibsDir('0.0.1')))).toBe(false)
  })

  it('rejects something that is not a version, and unknown flags', () => {
    const r = spawnSync('bash', [script, 'latest'], { encoding: 'utf8', timeout: 10_000 })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('not a Kafka version')
    const flag = spawnSync('bash', [script, '--versoin', '4.3.1'], { encoding: 'utf8', timeout: 10_000 })
    expect(flag.status).toBe(2)
    expect(flag.stderr).toContain("unknown option '--versoin'")
  })
})
