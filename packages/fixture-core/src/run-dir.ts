import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Root of all run directories: `$INFRA_TMP_DIR` or `<os tmp>/infra-fixtures`. */
export function runsRoot(): string {
  return process.env.INFRA_TMP_DIR ?? path.join(os.tmpdir(), 'infra-fixtures')
}

export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

let currentRunDir: string | undefined

function readPid(file: string): number {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim())
  } catch {
    return 0
  }
}

/** Pids of the watchdogs serving a run dir (`watchdog-<pid>.pid`, or the older `watchdog.pid`). */
function watchdogPids(dir: string): number[] {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const pids: number[] = []
  for (const name of names) {
    const m = /^watchdog-(\d+)\.pid$/.exec(name)
    if (m) pids.push(Number(m[1]))
    else if (name === 'watchdog.pid') pids.push(readPid(path.join(dir, name)))
  }
  return pids
}

/** Removes run directories whose creator and watchdogs are all dead. Returns what it removed. */
export function reapStaleRunDirs(root = runsRoot()): string[] {
  const removed: string[] = []
  let entries: string[]
  try {
    entries = fs.readdirSync(root)
  } catch {
    return removed
  }
  for (const name of entries) {
    const m = /^run-(\d+)-[0-9a-f]+$/.exec(name)
    if (!m) continue
    const dir = path.join(root, name)
    if (dir === currentRunDir || dir === process.env.INFRA_RUN_DIR) continue
    if (isPidAlive(Number(m[1])) || watchdogPids(dir).some(isPidAlive)) continue
    try {
      fs.rmSync(dir, { recursive: true, force: true })
      removed.push(dir)
    } catch {
      // another process is reaping it, or it is not ours to remove
    }
  }
  return removed
}

/**
 * The directory of this test run (shared with worker processes through `INFRA_RUN_DIR`).
 * Created on first use, world-traversable so servers running as an unprivileged user can reach
 * their own subdirectories; stale directories of dead runs are reaped first.
 */
export function getRunDir(): string {
  if (currentRunDir && fs.existsSync(currentRunDir)) return currentRunDir
  const inherited = process.env.INFRA_RUN_DIR
  if (inherited && fs.existsSync(inherited)) {
    currentRunDir = inherited
    return inherited
  }
  const root = runsRoot()
  fs.mkdirSync(root, { recursive: true, mode: 0o755 })
  try {
    fs.chmodSync(root, 0o1777)
  } catch {
    // not ours; fine as long as we can write
  }
  reapStaleRunDirs(root)
  const dir = path.join(root, `run-${process.pid}-${crypto.randomBytes(4).toString('hex')}`)
  fs.mkdirSync(dir, { mode: 0o755 })
  fs.chmodSync(dir, 0o755)
  currentRunDir = dir
  process.env.INFRA_RUN_DIR = dir
  return dir
}
