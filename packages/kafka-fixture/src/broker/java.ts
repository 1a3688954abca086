import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { debugLogger, resolveBinary } from '@infra/fixture-core'

export const JAVA_ENV_VAR = 'INFRA_KAFKA_JAVA'
export const JAVA_INSTALL_HINT = 'apt-get install openjdk-17-jre-headless'
export const MIN_JAVA_MAJOR = 17

export interface JavaInfo {
  path: string
  major: number
}

const KNOWN_JAVA_DIRS = [
  '/usr/lib/jvm/java-17-openjdk-amd64/bin',
  '/usr/lib/jvm/java-17-openjdk-arm64/bin',
  '/usr/lib/jvm/java-21-openjdk-amd64/bin',
  '/usr/lib/jvm/java-21-openjdk-arm64/bin',
  '/usr/bin',
]

const debug = debugLogger('infra:kafka')

/** Parses the major version from `java -version` output (`"17.0.15"` → 17, `"1.8.0_392"` → 8). */
export function parseJavaMajor(output: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(output)
  if (!m) return undefined
  const first = Number(m[1])
  return first === 1 && m[2] ? Number(m[2]) : first
}

/** `java -version` of each executable asked about, once per process: a major, or why there is none. */
const majors = new Map<string, number | string>()

function javaMajor(java: string): number | string {
  let known = majors.get(java)
  if (known === undefined) {
    const res = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 15_000 })
    const major = res.error ? undefined : parseJavaMajor(`${res.stderr ?? ''}${res.stdout ?? ''}`)
    known = res.error ? `-version failed: ${res.error.message}` : (major ?? 'did not report a version')
    majors.set(java, known)
  }
  return known
}

/**
 * Finds a Java ≥ 17 with fixture-core's `resolveBinary`: `explicit` (the `java` option) → $INFRA_KAFKA_JAVA →
 * PATH → $JAVA_HOME/bin → /usr/lib/jvm. Each may be the `java` executable, its directory or a JDK home. An
 * override that does not work is a `BinaryNotFoundError` (it never silently falls back); a Java older than 17
 * on PATH is skipped (and listed in the error when nothing else is found).
 */
export function resolveJava(explicit?: string): JavaInfo {
  const javaHome = process.env.JAVA_HOME ? [path.join(process.env.JAVA_HOME, 'bin')] : []
  const found = resolveBinary({
    name: 'java',
    envVar: JAVA_ENV_VAR,
    explicit,
    explicitName: 'the java option',
    installHint: `${JAVA_INSTALL_HINT} (Kafka needs Java ${MIN_JAVA_MAJOR}+), or set JAVA_HOME`,
    knownDirs: [...javaHome, ...KNOWN_JAVA_DIRS],
    accept: (candidate) => {
      const major = javaMajor(candidate)
      if (typeof major === 'string') return major
      return major < MIN_JAVA_MAJOR ? `Java ${major}, Kafka needs ${MIN_JAVA_MAJOR}+` : undefined
    },
  })
  const major = javaMajor(found) as number
  debug?.(`java ${found} (Java ${major})`)
  return { path: found, major }
}
