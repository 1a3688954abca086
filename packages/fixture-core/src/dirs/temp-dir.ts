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
 * A fresh directory under this run's directory, removed by `remove()`, and by the watchdog if the
 * runner dies first. Registered with the watchdog before it is created, so it can never leak.
 */
export async function createTempDir(prefix = 'tmp', opts: { mode?: number } = {}): Promise<TempDir> {
  const safe = prefix.replace(/[^a-zA-Z0-9_.-]/g, '-')
  const watchdog = await getWatchdog()
  const dir = path.join(getRunDir(), `${safe}-${crypto.randomBytes(5).toString('hex')}`)
  await watchdog.registerDir(dir)
  try {
    fs.mkdirSync(dir, { mode: opts.mode ?? 0o700 })
  } catch (err) {
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
