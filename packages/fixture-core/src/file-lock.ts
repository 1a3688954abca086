import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { WaitTimeoutError } from './errors.js'
import { isPidAlive } from './run-dir.js'

export interface FileLock {
  release(): void
}

/**
 * A cross-process lock: `lockPath` is created exclusively and holds the owner's pid. A lock whose
 * owner died is broken. Waits at most `timeoutMs`.
 */
export async function acquireFileLock(
  lockPath: string,
  opts: { timeoutMs?: number; what?: string } = {},
): Promise<FileLock> {
  const timeoutMs = opts.timeoutMs ?? 120_000
  const deadline = Date.now() + timeoutMs
  let delay = 5
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, 'wx')
      fs.writeSync(fd, String(process.pid))
      fs.closeSync(fd)
      let released = false
      return {
        release() {
          if (released) return
          released = true
          try {
            fs.unlinkSync(lockPath)
          } catch {
            // already gone
          }
        },
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    let owner = 0
    try {
      owner = Number(fs.readFileSync(lockPath, 'utf8'))
    } catch {
      continue // released between our open and read
    }
    if (owner && !isPidAlive(owner)) {
      // break a stale lock: rename first so only one breaker wins
      const stale = `${lockPath}.stale-${process.pid}`
      try {
        fs.renameSync(lockPath, stale)
        fs.unlinkSync(stale)
      } catch {
        // someone else broke it
      }
      continue
    }
    if (Date.now() >= deadline) {
      throw new WaitTimeoutError(opts.what ?? `the lock ${lockPath} (held by pid ${owner})`, timeoutMs)
    }
    await sleep(delay)
    delay = Math.min(delay * 2, 100)
  }
}
