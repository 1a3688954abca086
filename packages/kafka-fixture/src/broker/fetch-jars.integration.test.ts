import { spawnSync } from 'node:child_process'
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

  it('the packaged bin runs the same script', () => {
    const r = spawnSync(
      process.execPath,
      [path.join(pkgDir, 'bin/infra-kafka-fetch.mjs'), DEFAULT_KAFKA_VERSION],
      {
        encoding: 'utf8',
        timeout: 120_000,
      },
    )
    expect(r.status).toBe(0)
    expect(r.stdout.trim()).toBe(cachedLibsDir(DEFAULT_KAFKA_VERSION))
  })

  it('rejects something that is not a version', () => {
    const r = spawnSync('bash', [script, 'latest'], { encoding: 'utf8', timeout: 10_000 })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('not a Kafka version')
  })
})
