import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deadPid, isRunning } from '../../test/helpers.js'
import { processStartTime } from '../process/process-identity.js'
import { waitFor } from '../wait.js'
import { reapStaleRunDirs } from './reap.js'
import { isPidAlive } from './run-dir.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-rundir-test-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  fs.rmSync(root, { recursive: true, force: true })
})

function runDir(owner: number, watchdog?: number): string {
  const dir = path.join(root, `run-${owner}-${Math.random().toString(16).slice(2, 10)}`)
  fs.mkdirSync(path.join(dir, 'pg-data'), { recursive: true })
  if (watchdog !== undefined) fs.writeFileSync(path.join(dir, `watchdog-${watchdog}.pid`), String(watchdog))
  return dir
}

/** A live process in its own group whose command line names `arg` (like a watchdog names its run dir). */
function idle(arg = '-'): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', arg], {
    detached: true,
    stdio: 'ignore',
  })
  children.push(child)
  return child
}

describe('reapStaleRunDirs', () => {
  it('removes run dirs whose creator and watchdogs are dead, and nothing else', () => {
    const dead = deadPid()
    const stale = runDir(dead)
    const staleWithDeadWatchdog = runDir(dead, deadPid())
    const live = runDir(process.pid)
    const liveWatchdogDir = path.join(root, `run-${dead}-00c0ffee`)
    const watchdog = idle(liveWatchdogDir)
    fs.mkdirSync(liveWatchdogDir)
    fs.writeFileSync(path.join(liveWatchdogDir, `watchdog-${watchdog.pid}.pid`), '')
    // a live pid that is not the watchdog of this dir (a recycled pid) does not keep it
    const recycledWatchdog = runDir(dead, process.pid)
    const notARunDir = path.join(root, `keep-${dead}`)
    fs.mkdirSync(notARunDir)
    const removed = reapStaleRunDirs(root)
    expect(removed).toEqual(expect.arrayContaining([stale, staleWithDeadWatchdog, recycledWatchdog]))
    for (const kept of [live, liveWatchdogDir, notARunDir]) expect(fs.existsSync(kept)).toBe(true)
  })

  it('an owner file with a live pid but another start time is a dead owner (recycled pid)', () => {
    const dir = runDir(process.pid)
    fs.writeFileSync(path.join(dir, 'owner'), `${process.pid} 1`)
    expect(reapStaleRunDirs(root)).toContain(dir)
  })

  it('a dead run: kills the process groups of its journal and removes its dirs elsewhere, whatever is alive', async () => {
    const dir = runDir(deadPid())
    const server = idle()
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-journal-dir-'))
    fs.mkdirSync(path.join(dir, 'journal'))
    fs.writeFileSync(path.join(dir, 'journal', `group-${server.pid}`), processStartTime(server.pid!)!)
    fs.writeFileSync(path.join(dir, 'journal', 'dir-0123456789abcdef'), elsewhere)
    // a journaled group whose pid now names a younger process is left alone
    const stranger = idle()
    fs.writeFileSync(path.join(dir, 'journal', `group-${stranger.pid}`), '1')
    expect(reapStaleRunDirs(root)).toContain(dir)
    await waitFor(() => !isRunning(server.pid!), {
      what: 'the dead run’s server to be killed',
      timeoutMs: 2_000,
    })
    expect(fs.existsSync(elsewhere)).toBe(false)
    expect(isRunning(stranger.pid!)).toBe(true)
  })

  it('is quiet about a missing root', () => {
    expect(reapStaleRunDirs(path.join(root, 'missing'))).toEqual([])
  })
})

describe('isPidAlive', () => {
  it('tells live from dead pids', () => {
    expect(isPidAlive(process.pid)).toBe(true)
    expect(isPidAlive(deadPid())).toBe(false)
    expect(isPidAlive(0)).toBe(false)
  })
})
