import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { acquireFileLock } from './file-lock.js'

/** Root of the build-once cache: `$INFRA_CACHE_DIR` or `~/.cache/infra-fixtures`. */
export function cacheRoot(): string {
  return (
    process.env.INFRA_CACHE_DIR ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'infra-fixtures')
  )
}

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
}

/**
 * Returns the path of a cached artifact, building it exactly once across concurrent processes:
 * a file lock serialises builders, the build happens in a temp dir, and an atomic rename publishes
 * it, so readers never see a half-built artifact.
 */
export async function buildOnce(opts: BuildOnceOptions): Promise<string> {
  const dir = path.join(opts.root ?? cacheRoot(), opts.kind)
  const key = hashInputs(opts.inputs)
  const final = path.join(dir, key)
  if (fs.existsSync(final)) return final
  fs.mkdirSync(dir, { recursive: true })
  const lock = await acquireFileLock(`${final}.lock`, {
    timeoutMs: opts.lockTimeoutMs ?? 300_000,
    what: `another process to finish building the cached ${opts.kind} (${final})`,
  })
  try {
    if (fs.existsSync(final)) return final
    removeAbandonedBuilds(dir, key)
    const tmp = `${final}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`
    fs.mkdirSync(tmp, { mode: opts.mode ?? 0o755 })
    try {
      await opts.build(tmp)
      fs.chmodSync(tmp, opts.mode ?? 0o755)
      fs.renameSync(tmp, final)
    } catch (err) {
      fs.rmSync(tmp, { recursive: true, force: true })
      // a broken stale lock can let two builders through: the first rename wins, the second is dropped
      if (fs.existsSync(final)) return final
      throw err
    }
    return final
  } finally {
    lock.release()
  }
}

/** Half-built artifacts of builders that died (we hold the lock, so nobody is building them now). */
function removeAbandonedBuilds(dir: string, key: string): void {
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith(`${key}.tmp-`)) fs.rmSync(path.join(dir, name), { recursive: true, force: true })
  }
}
