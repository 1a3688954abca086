import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { environmentErrorFor } from '../dirs/safe-dir.js'
import { WaitTimeoutError } from '../errors.js'
import { isPidAlive, processStartTime } from '../process/process-identity.js'

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

/** An empty or unreadable lock older than this is broken: its writer failed (ENOSPC) or died mid-write. */
export const EMPTY_LOCK_GRACE_MS = 2_000

function ageMs(file: string): number | undefined {
  try {
    return Date.now() - fs.statSync(file).mtimeMs
  } catch {
    return undefined
  }
}

/** Creates the lock file exclusively with our tag; a failed write removes the (empty) file we created. */
function tryCreate(lockPath: string, tag: string): boolean {
  let fd: number
  try {
    fd = fs.openSync(lockPath, 'wx', 0o644)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw err
  }
  try {
    fs.writeSync(fd, tag)
  } catch (err) {
    fs.closeSync(fd)
    fs.rmSync(lockPath, { force: true })
    throw err
  }
  fs.closeSync(fd)
  return true
}

/**
 * A cross-process lock: `lockPath` is created exclusively and names its owner. A lock whose
 * owner died is broken, and so is an empty or unreadable one after {@link EMPTY_LOCK_GRACE_MS}.
 * Waits at most `timeoutMs`. A lock that cannot be written at all (missing or read-only directory,
 * full disk) is an `EnvironmentError` naming the path and `envVar` (default `INFRA_CACHE_DIR`).
 */
export async function acquireFileLock(
  lockPath: string,
  opts: { timeoutMs?: number; what?: string; envVar?: string } = {},
): Promise<FileLock> {
  const timeoutMs = opts.timeoutMs ?? 120_000
  const deadline = Date.now() + timeoutMs
  const tag = ownerTag()
  let delay = 5
  for (;;) {
    let created: boolean
    try {
      created = tryCreate(lockPath, tag)
    } catch (err) {
      throw environmentErrorFor(err, lockPath, opts.envVar ?? 'INFRA_CACHE_DIR')
    }
    if (created) {
      let released = false
      return {
        release() {
          if (released) return
          released = true
          // only remove it while it is still ours
          if (readTag(lockPath) === tag) fs.rmSync(lockPath, { force: true })
        },
      }
    }
    const owner = readTag(lockPath)
    if (owner === undefined && !fs.existsSync(lockPath)) continue // released between our open and read
    if (owner && !ownerIsAlive(owner)) {
      breakStaleLock(lockPath, owner)
      continue
    }
    if (!owner && (ageMs(lockPath) ?? 0) > EMPTY_LOCK_GRACE_MS) {
      breakStaleLock(lockPath, owner)
      continue
    }
    if (Date.now() >= deadline) {
      const holder = owner ? `held by pid ${owner.split(' ')[0]}` : 'empty or unreadable'
      throw new WaitTimeoutError(opts.what ?? `the lock ${lockPath} (${holder})`, timeoutMs)
    }
    await sleep(delay)
    delay = Math.min(delay * 2, 100)
  }
}

/**
 * Moves the stale lock aside (only one breaker wins the rename) and checks it moved the lock it
 * judged: if a live owner took the lock in between, it is put back.
 */
function breakStaleLock(lockPath: string, staleOwner: string | undefined): void {
  const aside = `${lockPath}.stale-${process.pid}-${Date.now()}`
  try {
    fs.renameSync(lockPath, aside)
  } catch {
    return // someone else broke it
  }
  if ((readTag(aside) ?? '') !== (staleOwner ?? '')) {
    try {
      fs.linkSync(aside, lockPath) // fails if yet another process holds it now: then both proceed, as before
    } catch {}
  }
  fs.rmSync(aside, { force: true })
}
