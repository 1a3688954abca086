import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { cacheRoot } from '../dirs/roots.js'
import { ensureSafeDir, environmentErrorFor, privateDirMode } from '../dirs/safe-dir.js'
import { isPidAlive } from '../process/process-identity.js'
import { acquireFileLock } from './file-lock.js'
import { verifyManifest, writeManifest } from './manifest.js'

export { cacheRoot } from '../dirs/roots.js'

/** A stable short hash of any JSON-serialisable inputs (object keys sorted). */
export function hashInputs(inputs: unknown): string {
  const stable = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(stable)
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .map((k) => [k, stable((v as Record<string, unknown>)[k])]),
      )
    }
    return v
  }
  return crypto
    .createHash('sha256')
    .update(JSON.stringify(stable(inputs)))
    .digest('hex')
    .slice(0, 20)
}

export interface BuildOnceOptions {
  /** Kind of artifact, e.g. `pg-initdb`; a folder under the cache root. */
  kind: string
  /** Everything the artifact depends on; the cache key is their hash. */
  inputs: unknown
  /** Builds the artifact into `dir` (an empty directory). Throwing caches nothing. */
  build: (dir: string) => Promise<void>
  /** How long to wait for another process building the same artifact. Default 300 000 ms. */
  lockTimeoutMs?: number
  /** Directory mode of the finished artifact. Default 0o755. */
  mode?: number
  /** Cache root to use instead of {@link cacheRoot} (e.g. one an unprivileged server user can traverse). */
  root?: string
  /**
   * When this build publishes a new entry, remove the entries of the same kind that no process has used
   * for this long (a use refreshes an entry's mtime, once per process). Off by default: for kinds whose
   * keys change with every tool or flag update and whose entries are large (class archives).
   */
  pruneUnusedAfterMs?: number
}

/** Half-built entries and broken ones set aside are removed when their builder is dead or after this long. */
const ABANDONED_AGE_MS = 24 * 3600_000
/** Entries this process has verified (or built): checked once per process. */
const verified = new Set<string>()

/** How to get rid of a cache entry, for error messages. */
export function clearCacheHint(entry: string): string {
  return `To clear it: rm -rf ${entry} (it is rebuilt on the next use), or remove the whole cache (INFRA_CACHE_DIR, default ~/.cache/infra-fixtures).`
}

/** The entry is published and matches its manifest; a mismatch is reported and the entry set aside. */
function usable(final: string, kind: string): boolean {
  if (verified.has(final)) return fs.existsSync(final)
  if (!fs.existsSync(final)) return false
  const problem = verifyManifest(final)
  if (problem === undefined) {
    verified.add(final)
    markUsed(final)
    return true
  }
  process.emitWarning(
    `the cached ${kind} at ${final} is damaged (${problem}): rebuilding it`,
    'InfraCacheWarning',
  )
  const aside = `${final}.broken-${process.pid}-${crypto.randomBytes(4).toString('hex')}`
  try {
    fs.renameSync(final, aside)
    fs.rmSync(aside, { recursive: true, force: true })
  } catch {
    // another process set it aside first
  }
  return false
}

/**
 * Returns the path of a cached artifact, building it exactly once across concurrent processes:
 * a file lock serialises builders, the build happens in a temp dir, a manifest (file list, sizes,
 * hashes of small files) and a completion marker are written into it, and an atomic rename
 * publishes it, so readers never see a half-built artifact. Each process verifies an entry against
 * its manifest on first use; a damaged entry is reported (an `InfraCacheWarning`) and rebuilt.
 * A cache root that cannot be used is an `EnvironmentError` naming it and `INFRA_CACHE_DIR`.
 */
export async function buildOnce(opts: BuildOnceOptions): Promise<string> {
  const root = opts.root ?? cacheRoot()
  const dir = path.join(root, opts.kind)
  const key = hashInputs(opts.inputs)
  const final = path.join(dir, key)
  if (usable(final, opts.kind)) return final
  ensureSafeDir(root, {
    what: 'the cache directory',
    envVar: 'INFRA_CACHE_DIR',
    userGiven: Boolean(process.env.INFRA_CACHE_DIR),
    mode: privateDirMode(),
  })
  try {
    fs.mkdirSync(dir, { recursive: true })
  } catch (err) {
    throw environmentErrorFor(err, dir, 'INFRA_CACHE_DIR')
  }
  const lock = await acquireFileLock(`${final}.lock`, {
    timeoutMs: opts.lockTimeoutMs ?? 300_000,
    what: `another process to finish building the cached ${opts.kind} (${final}; if no such process is running, remove ${final}.lock)`,
  })
  try {
    if (usable(final, opts.kind)) return final
    removeAbandonedBuilds(dir, key)
    const tmp = `${final}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`
    try {
      fs.mkdirSync(tmp, { mode: opts.mode ?? 0o755 })
    } catch (err) {
      throw environmentErrorFor(err, tmp, 'INFRA_CACHE_DIR')
    }
    let built = false
    try {
      await opts.build(tmp)
      built = true
      writeManifest(tmp)
      fs.chmodSync(tmp, opts.mode ?? 0o755)
      fs.renameSync(tmp, final)
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true })
      // a broken stale lock can let two builders through: the first rename wins, the second is dropped
      if (usable(final, opts.kind)) return final
      const full = (err as NodeJS.ErrnoException).code === 'ENOSPC'
      throw built || full ? environmentErrorFor(err, tmp, 'INFRA_CACHE_DIR') : err
    }
    verified.add(final)
    if (opts.pruneUnusedAfterMs !== undefined) removeUnusedEntries(dir, key, opts.pruneUnusedAfterMs)
    return final
  } finally {
    lock.release()
  }
}

/** An entry's mtime says when a process last used it (a read-only cache just keeps its build time). */
function markUsed(entry: string): void {
  try {
    const now = new Date()
    fs.utimesSync(entry, now, now)
  } catch {
    // not ours to touch
  }
}

/**
 * Published entries of other keys unused for `unusedMs`: set aside (rename), then removed. A process
 * that still maps a file of one keeps its mapping; one that looks it up next rebuilds it.
 */
function removeUnusedEntries(dir: string, key: string, unusedMs: number): void {
  for (const name of fs.readdirSync(dir)) {
    if (name === key || !/^[0-9a-f]{20}$/.test(name)) continue
    const full = path.join(dir, name)
    try {
      if (Date.now() - fs.statSync(full).mtimeMs <= unusedMs) continue
      const aside = `${full}.broken-${process.pid}-${crypto.randomBytes(4).toString('hex')}`
      fs.renameSync(full, aside)
      fs.rmSync(aside, { recursive: true, force: true })
    } catch {
      // gone already, or not ours to remove
    }
  }
}

/**
 * Half-built artifacts and broken entries set aside: ours (we hold the lock, so nobody builds them
 * now), and those of any key whose builder is dead or that are older than a day (keys never built
 * again would keep them forever).
 */
function removeAbandonedBuilds(dir: string, key: string): void {
  for (const name of fs.readdirSync(dir)) {
    const m = /^([0-9a-f]+)\.(?:tmp|broken)-(\d+)-[0-9a-f]+$/.exec(name)
    if (!m) continue
    const full = path.join(dir, name)
    let old = false
    try {
      old = Date.now() - fs.statSync(full).mtimeMs > ABANDONED_AGE_MS
    } catch {
      continue
    }
    if (m[1] === key || !isPidAlive(Number(m[2])) || old) fs.rmSync(full, { recursive: true, force: true })
  }
}
