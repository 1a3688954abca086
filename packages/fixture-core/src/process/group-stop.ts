import fs from 'node:fs'
import { waitFor } from '../wait.js'
import { groupMembers } from './process-identity.js'

/** Thread states that no longer run user code: stopped, traced, zombie, dead. */
const NOT_RUNNING = new Set(['T', 't', 'Z', 'X', 'x'])

/** The state letter of each thread of `pid` (empty when it is gone). */
function threadStates(pid: number): string[] {
  let tids: string[]
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`)
  } catch {
    return []
  }
  const states: string[] = []
  for (const tid of tids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      states.push(stat[stat.lastIndexOf(')') + 2] ?? '')
    } catch {
      // exited meanwhile
    }
  }
  return states
}

/** Whether every thread of each of `pids` has stopped (or is gone). */
export function processesStopped(pids: readonly number[]): boolean {
  return pids.every((pid) => threadStates(pid).every((s) => NOT_RUNNING.has(s)))
}

/**
 * Whether every thread of every process in group `pgid` has stopped; undefined without /proc.
 * SIGSTOP takes effect per thread, when each next runs: on a busy machine a thread that was woken
 * by a request can still answer it a few ms after kill() returned.
 */
export function groupStopped(pgid: number): boolean | undefined {
  let members: number[]
  try {
    members = groupMembers(pgid)
  } catch {
    return undefined
  }
  return processesStopped(members)
}

/**
 * Resolves once every thread of the processes `pids` has stopped (after a SIGSTOP sent to them one by
 * one, e.g. to processes outside a server's group); throws `WaitTimeoutError` saying `what` after `timeoutMs`.
 */
export async function waitUntilStopped(
  pids: readonly number[],
  what: string,
  timeoutMs = 5_000,
): Promise<void> {
  await waitFor(() => processesStopped(pids), { what, timeoutMs, intervalMs: 2 })
}

/**
 * Resolves once every thread of group `pgid` has stopped (after a SIGSTOP), at once without /proc;
 * throws `WaitTimeoutError` naming `name` after `timeoutMs`.
 */
export async function waitUntilGroupStopped(pgid: number, name: string, timeoutMs = 5_000): Promise<void> {
  await waitFor(() => groupStopped(pgid) !== false, {
    what: `every thread of '${name}' (process group ${pgid}) to stop after SIGSTOP`,
    timeoutMs,
    intervalMs: 2,
  })
}
