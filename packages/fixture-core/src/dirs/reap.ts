import fs from 'node:fs'
import path from 'node:path'
import { isPidAlive as isAlive, signalProcessGroup } from '../process/process-identity.js'
import { ownerAlive } from './owner.js'

/**
 * Cleans up after a dead run from its journal: SIGKILLs every process group it still had (unless
 * the pid now names a younger process) and removes every directory it registered.
 */
function reapJournal(runDir: string): void {
  let names: string[]
  try {
    names = fs.readdirSync(path.join(runDir, 'journal'))
  } catch {
    return
  }
  const dirs: string[] = []
  for (const name of names) {
    let content: string
    try {
      content = fs.readFileSync(path.join(runDir, 'journal', name), 'utf8')
    } catch {
      continue
    }
    const group = /^group-(\d+)$/.exec(name)
    if (group) signalProcessGroup(Number(group[1]), 'SIGKILL', content || undefined)
    else if (name.startsWith('dir-') && path.isAbsolute(content) && content.split(path.sep).length > 2) {
      dirs.push(content)
    }
  }
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
}

/** A watchdog serving this run dir is alive (its pid file names it and its command line names the dir). */
function watchdogAlive(dir: string): boolean {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return false
  }
  return names.some((name) => {
    const m = /^watchdog-(\d+)\.pid$/.exec(name)
    if (!m || !isAlive(Number(m[1]))) return false
    try {
      return fs.readFileSync(`/proc/${m[1]}/cmdline`, 'utf8').includes(dir)
    } catch {
      return true // no /proc: trust the pid
    }
  })
}

/**
 * Removes the run directories whose creator and watchdogs are all dead, after killing whatever
 * the dead run still had running (see its journal) and removing the directories it registered
 * elsewhere (e.g. on /dev/shm). Returns what it removed.
 */
export function reapStaleRunDirs(root: string): string[] {
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
    if (dir === process.env.INFRA_RUN_DIR) continue
    if (ownerAlive(dir, Number(m[1])) || watchdogAlive(dir)) continue
    try {
      reapJournal(dir)
      fs.rmSync(dir, { recursive: true, force: true })
      removed.push(dir)
    } catch {
      // another process is reaping it, or it is not ours to remove
    }
  }
  return removed
}
