import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { getWatchdog } from '../watchdog/watchdog.js'
import { getRunDir } from './run-dir.js'

export interface TempDir {
  readonly path: string
  /** Removes the directory (idempotent; concurrent calls share one removal). */
  remove(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * Creates `dir` (mode `mode`) registered with the watchdog before it exists, so it can never leak; then
 * `init` fills it in. Removed by `remove()` (idempotent, shared) and by the watchdog if the runner dies.
 */
export async function createRegisteredDir(
  dir: string,
  mode: number,
  init?: (dir: string) => void,
): Promise<TempDir> {
  const watchdog = await getWatchdog()
  await watchdog.registerDir(dir)
  try {
    fs.mkdirSync(dir, { mode })
    fs.chmodSync(dir, mode) // the umask may have narrowed it
    init?.(dir)
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true })
    await watchdog.unregisterDir(dir).catch(() => {})
    throw err
  }
  let removal: Promise<void> | undefined
  const remove = () => {
    removal ??= (async () => {
      await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 })
      await watchdog.unregisterDir(dir).catch(() => {})
    })()
    return removal
  }
  return { path: dir, remove, [Symbol.asyncDispose]: remove }
}

/** A fresh directory under this run's directory (see {@link createRegisteredDir}). */
export function createTempDir(prefix = 'tmp', opts: { mode?: number } = {}): Promise<TempDir> {
  const safe = prefix.replace(/[^a-zA-Z0-9_.-]/g, '-')
  return createRegisteredDir(
    path.join(getRunDir(), `${safe}-${crypto.randomBytes(5).toString('hex')}`),
    opts.mode ?? 0o700,
  )
}
