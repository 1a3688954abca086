import { execFileSync } from 'node:child_process'
import fs from 'node:fs'

function parentMap(): Map<number, number[]> {
  const children = new Map<number, number[]>()
  const add = (pid: number, ppid: number) => {
    const list = children.get(ppid)
    if (list) list.push(pid)
    else children.set(ppid, [pid])
  }
  if (process.platform === 'linux') {
    for (const name of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue
      try {
        const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
        // pid (comm) state ppid …  — comm may contain spaces and parentheses
        const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        add(Number(name), Number(rest[1]))
      } catch {
        // exited meanwhile
      }
    }
    return children
  }
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' })
  for (const line of out.split('\n')) {
    const [pid, ppid] = line.trim().split(/\s+/).map(Number)
    if (pid && ppid !== undefined) add(pid, ppid)
  }
  return children
}

/**
 * Pids of every descendant of `pid`. PostgreSQL backends call setsid(), so they are not in the
 * postmaster's process group: signals meant for "the server" must reach them one by one.
 */
export function descendantPids(pid: number): number[] {
  const children = parentMap()
  const out: number[] = []
  const stack = [...(children.get(pid) ?? [])]
  while (stack.length > 0) {
    const p = stack.pop()!
    out.push(p)
    stack.push(...(children.get(p) ?? []))
  }
  return out
}

/** True while `pid` exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  if (process.platform !== 'linux') return true
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** Sends `signal` to each pid, ignoring ones already gone. */
export function signalEach(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal)
    } catch {
      // gone
    }
  }
}
