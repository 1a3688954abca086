import fs from 'node:fs'

/**
 * The kernel start time of `pid` (clock ticks since boot, from /proc/<pid>/stat), or `undefined`
 * when the process does not exist or /proc is unavailable. Together with the pid it names one
 * process for good: a recycled pid has another start time.
 */
export function processStartTime(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) may contain spaces and parentheses: split after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return fields[19] // field 22 overall: starttime
  } catch {
    return undefined
  }
}

/**
 * Sends `signal` to the process group `pgid` unless the pid was recycled: when a process with
 * that pid exists but started at another time than `startTime`, our group is empty (Linux never
 * hands out a pid still in use as a process group id) and the signal would hit a stranger.
 * Returns whether a signal was delivered.
 */
export function signalProcessGroup(pgid: number, signal: NodeJS.Signals, startTime?: string): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false
  if (startTime !== undefined) {
    const now = processStartTime(pgid)
    if (now !== undefined && now !== startTime) return false
  }
  try {
    process.kill(-pgid, signal)
    return true
  } catch {
    return false
  }
}

/** True when a zombie holds this pid: it is dead, only not yet reaped (some PID 1s never reap). */
function isZombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat[stat.lastIndexOf(')') + 2] === 'Z'
  } catch {
    return false
  }
}

/** True when a live process has this pid (also one of another user); a zombie counts as dead. */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  return !isZombie(pid)
}

/** Pids whose process group is `pgid` (throws when /proc cannot be listed). */
export function groupMembers(pgid: number): number[] {
  const members: number[] = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) === pgid) members.push(Number(name))
    } catch {
      // exited meanwhile
    }
  }
  return members
}
