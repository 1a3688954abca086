// Shared by the watchdog tests: start test/runners/runner-to-kill.mjs, kill things, count leftovers.
import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import { WaitTimeoutError } from '../src/errors.js'
import { waitFor } from '../src/wait.js'
import { spawnRunner } from './helpers.js'

export interface RunnerReport {
  pids: number[]
  helperPid: number
  dirs: string[]
  runDir: string
  socket: string
  watchdogs: number[]
}

export const runners: ChildProcess[] = []

/** Kills every runner still alive (afterAll). */
export function killRunners(): void {
  for (const c of runners) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
}

/**
 * Starts test/runners/runner-to-kill.mjs. `child` is the live attempt: a runner that could not load
 * dist (another process was rebuilding it in the shared tree) is started again, at most 3 times.
 */
export function startRunner(env: Record<string, string | undefined>) {
  const runEnv: NodeJS.ProcessEnv = { ...process.env, ...env }
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete runEnv[k]
  let current = spawnRunner('runner-to-kill.mjs', runEnv)
  runners.push(current.child)
  let retries = 0
  const line = async (prefix: RegExp): Promise<string> => {
    const deadline = Date.now() + 60_000 // the machine may be loaded
    for (;;) {
      const found = current.output.stdout.split('\n').find((l) => prefix.test(l))
      if (found) return found
      const { child, output } = current
      if (child.exitCode !== null || child.signalCode !== null) {
        if (/ERR_MODULE_NOT_FOUND|Cannot find module/.test(output.stderr) && retries++ < 3) {
          await sleep(3_000)
          current = spawnRunner('runner-to-kill.mjs', runEnv)
          runners.push(current.child)
          continue
        }
        throw new Error(
          `the runner exited (${child.exitCode ?? child.signalCode}) before printing ${prefix}: ${output.stderr}`,
        )
      }
      if (Date.now() > deadline) {
        throw new WaitTimeoutError(`the runner to print ${prefix} (stderr: ${output.stderr})`, 60_000)
      }
      await sleep(20)
    }
  }
  const report = line(/^\{/).then((l) => JSON.parse(l) as RunnerReport)
  return {
    get child(): ChildProcess {
      return current.child
    },
    report,
    line,
  }
}

export async function sigkill(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL')
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
}

/** Live (non-zombie) processes whose pid or process group is one of `groups`, or whose command line names `text`. */
export function processesOf(groups: number[], text?: string): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (fields[0] === 'Z') continue
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ')
      const pid = Number(name)
      if (groups.includes(pid) || groups.includes(Number(fields[2])) || (text && cmd.includes(text))) {
        found.push({ pid, cmd })
      }
    } catch {
      // gone meanwhile
    }
  }
  return found
}

/** What a killed run left: its servers (and their groups), its watchdogs, its dirs and its run dir. */
export function leftovers(r: RunnerReport): { processes: string[]; dirs: string[] } {
  const processes = processesOf([...r.pids, r.helperPid], r.runDir).map((p) => `${p.pid} ${p.cmd}`)
  const dirs = [...r.dirs, r.runDir].filter((d) => fs.existsSync(d))
  return { processes, dirs }
}

/** Waits until the killed run left nothing; fails naming what is left. */
export async function expectNothingLeft(r: RunnerReport, timeoutMs = 10_000): Promise<void> {
  let last = leftovers(r)
  await waitFor(
    () => {
      last = leftovers(r)
      return last.processes.length === 0 && last.dirs.length === 0
    },
    { what: 'the killed run to leave nothing', timeoutMs, intervalMs: 50 },
  ).catch((err: Error) => {
    throw new Error(`${err.message}\nleft: ${JSON.stringify(last, null, 2)}`)
  })
}
