import fs from 'node:fs'
import path from 'node:path'
import { BinaryNotFoundError, cacheRoot, debugLogger, InvalidOptionsError } from '@infra/fixture-core'
import { DEFAULT_KAFKA_VERSION, isKafkaVersion } from './kafka-version.js'

export const KAFKA_HOME_ENV = 'KAFKA_HOME'

const debug = debugLogger('infra:kafka')

export interface KafkaLibs {
  /** Directory holding the broker jars (used as the classpath `<dir>/*`). */
  dir: string
  /** The Kafka version of the jars. */
  version: string
  source: 'cache' | 'KAFKA_HOME'
}

/** Where `tooling/kafka/fetch-jars.sh` (and `infra-kafka-fetch`) put the jars of `version`. */
export function cachedLibsDir(version: string): string {
  return path.join(cacheRoot(), 'kafka', version, 'libs')
}

/** The commands that fetch the jars of `version` (any release on Maven Central), for errors and docs. */
export function fetchCommand(version: string): string {
  const bootstrap = version === DEFAULT_KAFKA_VERSION ? 'bash tooling/bootstrap.sh or ' : ''
  return `npx infra-kafka-fetch --version ${version} (from @infra/kafka-fixture; needs Java 17 and Maven), or in the infra monorepo ${bootstrap}bash tooling/kafka/fetch-jars.sh ${version}`
}

/** The Kafka version of a libs dir, from its `kafka_2.13-<version>.jar`. */
export function versionOfLibs(dir: string): string | undefined {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return undefined
  }
  for (const n of names) {
    const m = /^kafka_2\.1[23]-(\d+\.\d+\.\d+)\.jar$/.exec(n)
    if (m) return m[1]
  }
  return undefined
}

/**
 * Finds the broker jars: an explicit `kafkaHome` (or $KAFKA_HOME) distribution's `libs/`, else the
 * cache filled by the fetch script. Missing jars are a {@link BinaryNotFoundError} naming the fetch command
 * (like every other missing server binary).
 */
export function resolveKafkaLibs(opts: { version: string; kafkaHome?: string }): KafkaLibs {
  const jar = `kafka_2.13-${opts.version}.jar`
  const installHint = `fetch them with ${fetchCommand(opts.version)}; or set ${KAFKA_HOME_ENV} to an unpacked Kafka distribution`
  const home = opts.kafkaHome ?? process.env[KAFKA_HOME_ENV]
  if (home) {
    const dir = path.join(home, 'libs')
    const version = versionOfLibs(dir)
    if (!version) {
      const label = opts.kafkaHome ? 'kafkaHome' : `$${KAFKA_HOME_ENV}`
      throw new BinaryNotFoundError('Apache Kafka broker jars', {
        installHint: `unset ${label} to use the cached jars (${installHint.replace(/; or set .*$/, '')})`,
        searched: [`${label}=${home}: not an Apache Kafka distribution (no libs/kafka_2.13-<version>.jar)`],
      })
    }
    debug?.(`jars from ${opts.kafkaHome ? 'kafkaHome' : KAFKA_HOME_ENV} ${dir} (Kafka ${version})`)
    return { dir, version, source: 'KAFKA_HOME' }
  }
  if (!isKafkaVersion(opts.version)) {
    throw new InvalidOptionsError('version', `expected a Kafka version like 4.3.1, got '${opts.version}'`)
  }
  const dir = cachedLibsDir(opts.version)
  const complete = fs.existsSync(path.join(dir, '.complete'))
  if (!complete || !fs.existsSync(path.join(dir, jar))) {
    throw new BinaryNotFoundError(`Apache Kafka ${opts.version} broker jars`, {
      installHint,
      searched: [`${dir} (${complete ? `no ${jar}` : 'not fetched'})`],
    })
  }
  debug?.(`jars from the cache ${dir} (Kafka ${opts.version})`)
  return { dir, version: opts.version, source: 'cache' }
}

/**
 * A `version` asked for beside a `kafkaHome` / $KAFKA_HOME of another version is an
 * `InvalidOptionsError` (the distribution would silently win otherwise).
 */
export function checkVersionOfHome(version: string | undefined, kafkaHome: string | undefined): void {
  const home = kafkaHome ?? process.env[KAFKA_HOME_ENV]
  if (!version || !home) return
  const found = versionOfLibs(path.join(home, 'libs'))
  if (found && found !== version) {
    const label = kafkaHome ? 'kafkaHome' : `$${KAFKA_HOME_ENV}`
    throw new InvalidOptionsError(
      'version',
      `'${version}' asked for, but ${label}=${home} is Kafka ${found}: omit version to run it, or unset ${label} to run the cached ${version} jars`,
    )
  }
}

/** A cheap fingerprint of a libs dir (names and sizes) for cache keys. */
export function libsFingerprint(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.jar'))
    .sort()
    .map((n) => `${n}:${fs.statSync(path.join(dir, n)).size}`)
}
