import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { WaitTimeoutError } from './errors.js'
import { processStartTime } from './process-identity.js'
import { isPidAlive } from './run-dir.js'

export interface FileLock {
  release(): void
}

/** `<pid> <start time>`: the start time tells a recycled pid from the owner. */
function ownerTag(): string {
  return `${process.pid} ${processStartTime(process.pid) ?? ''}`.trim()
}

function ownerIsAlive(tag: string): boolean {
  const [pid, start] = tag.trim().split(' ')
  if (!isPidAlive(Number(pid))) return false
  if (!start) return true
  const now = processStartTime(Number(pid))
  return now === undefined || now === start
}

function readTag(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

/**
 * A cross-process lock: `lockPath` is created exclusively and names its owner. A lock whose
 * owner died is broken. Waits at most `timeoutMs`.
 */
export async function acquireFileLock(
  lockPath: string,
  opts: { timeoutMs?: number; what?: string } = {},
): Promise<FileLock> {
  const timeoutMs = opts.timeoutMs ?? 120_000
  const deadline = Date.now() + timeoutMs
  const tag = ownerTag()
  let delay = 5
  for (;;) {
    try {
      fs.writeFileSync(lockPath, tag, { flag: 'wx' })
      let released = false
      return {
        release() {
          if (released) return
          released = true
          // only remove it while it is still ours
          if (readTag(lockPath) === tag) fs.rmSync(lockPath, { force: true })
        },
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
    const owner = readTag(lockPath)
    if (owner === undefined) continue // released between our open and read
    if (owner !== '' && !ownerIsAlive(owner)) {
      breakStaleLock(lockPath, owner)
      continue
    }
    if (Date.now() >= deadline) {
      throw new WaitTimeoutError(
        opts.what ?? `the lock ${lockPath} (held by pid ${owner.split(' ')[0]})`,
        timeoutMs,
      )
    }
    await sleep(delay)
    delay = Math.min(delay * 2, 100)
  }
}

/**
 * Moves the stale lock aside (only one breaker wins the rename) and checks it moved the lock it
 * judged: if a live owner took the lock in between, it is put back.
 */
function breakStaleLock(lockPath: string, staleOwner: string): void {
  const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`
  try {
    fs.renameSync(lockPath, aside)
  } catch {
    return // someone else broke it
  }
  if (readTag(aside) !== staleOwner) {
    try {
      fs.linkSync(aside, lockPath) // fails if yet another process holds it now: then both proceed, as before
    } catch {}
  }
  fs.rmSync(aside, { force: true })
}
