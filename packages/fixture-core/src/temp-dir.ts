import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { getRunDir } from './run-dir.js'
import { getWatchdog } from './watchdog.js'

export interface TempDir {
  readonly path: string
  /** Removes the directory (idempotent). */
  remove(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

/**
 * A fresh directory under this run's directory, removed by `remove()`, and by the watchdog if the
 * runner dies first.
 */
export async function createTempDir(prefix = 'tmp', opts: { mode?: number } = {}): Promise<TempDir> {
  const safe = prefix.replace(/[^a-zA-Z0-9_.-]/g, '-')
  const dir = path.join(getRunDir(), `${safe}-${crypto.randomBytes(5).toString('hex')}`)
  fs.mkdirSync(dir, { mode: opts.mode ?? 0o700 })
  const watchdog = await getWatchdog()
  await watchdog.registerDir(dir)
  let removed = false
  const remove = async () => {
    if (removed) return
    removed = true
    await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 })
    await watchdog.unregisterDir(dir).catch(() => {})
  }
  return { path: dir, remove, [Symbol.asyncDispose]: remove }
}
