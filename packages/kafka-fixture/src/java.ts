import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { EnvironmentError } from '@infra/fixture-core'

export const JAVA_ENV_VAR = 'INFRA_KAFKA_JAVA'
export const JAVA_INSTALL_HINT = 'apt-get install openjdk-17-jre-headless'
export const MIN_JAVA_MAJOR = 17

export interface JavaInfo {
  path: string
  major: number
}

const KNOWN_JAVA = [
  '/usr/lib/jvm/java-17-openjdk-amd64/bin/java',
  '/usr/lib/jvm/java-17-openjdk-arm64/bin/java',
  '/usr/lib/jvm/java-21-openjdk-amd64/bin/java',
  '/usr/lib/jvm/java-21-openjdk-arm64/bin/java',
  '/usr/bin/java',
]

function isExecutable(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false
    fs.accessSync(p, fs.constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** Parses the major version from `java -version` output (`"17.0.15"` → 17, `"1.8.0_392"` → 8). */
export function parseJavaMajor(output: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(output)
  if (!m) return undefined
  const first = Number(m[1])
  return first === 1 && m[2] ? Number(m[2]) : first
}

const cache = new Map<string, JavaInfo>()

function noJava(reason: string): EnvironmentError {
  return new EnvironmentError(
    `Kafka needs Java ${MIN_JAVA_MAJOR}+ and ${reason}. Install it: ${JAVA_INSTALL_HINT} ` +
      `(or set ${JAVA_ENV_VAR}=/path/to/bin/java, or JAVA_HOME).`,
  )
}

/**
 * Finds a Java ≥ 17: `explicit` → $INFRA_KAFKA_JAVA → $JAVA_HOME/bin/java → PATH → known dirs.
 * An explicit override that does not work is an error (it never silently falls back).
 */
export function resolveJava(explicit?: string): JavaInfo {
  const override = explicit ?? process.env[JAVA_ENV_VAR]
  let candidate: string | undefined
  if (override) {
    const options = [override, path.join(override, 'bin', 'java'), path.join(override, 'java')]
    candidate = options.find(isExecutable)
    if (!candidate) {
      throw noJava(
        `${explicit ? 'the java option' : `$${JAVA_ENV_VAR}`}=${override} is not a java executable`,
      )
    }
  } else {
    const javaHome = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : undefined
    const fromPath = (process.env.PATH ?? '')
      .split(path.delimiter)
      .filter(Boolean)
      .map((d) => path.join(d, 'java'))
    candidate = [javaHome, ...fromPath, ...KNOWN_JAVA].find((p): p is string => !!p && isExecutable(p))
    if (!candidate) throw noJava('no java executable was found (searched JAVA_HOME, PATH, /usr/lib/jvm)')
  }
  const hit = cache.get(candidate)
  if (hit) return hit
  const res = spawnSync(candidate, ['-version'], { encoding: 'utf8', timeout: 15_000 })
  if (res.error) throw noJava(`${candidate} -version failed: ${res.error.message}`)
  const out = `${res.stderr ?? ''}${res.stdout ?? ''}`
  const major = parseJavaMajor(out)
  if (major === undefined) throw noJava(`${candidate} did not report a version`)
  if (major < MIN_JAVA_MAJOR) throw noJava(`${candidate} is Java ${major}`)
  const info = { path: candidate, major }
  cache.set(candidate, info)
  return info
}
