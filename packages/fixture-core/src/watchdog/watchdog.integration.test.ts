import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deadPid, isRunning, ping, requireBuild, serverSpec } from '../../test/helpers.js'
import { killRunners, type RunnerReport, sigkill, startRunner } from '../../test/killed-runs.js'
import { withPortRetry } from '../ports/ports.js'
import { ServiceProcess } from '../process/service-process.js'
import { waitFor } from '../wait.js'
import { getWatchdog } from './watchdog.js'

afterAll(killRunners)
const roots: string[] = []
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true })
})

function gone(report: RunnerReport): boolean {
  return (
    [...report.pids, report.helperPid].every((pid) => !isRunning(pid)) &&
    report.dirs.every((d) => !fs.existsSync(d))
  )
}

function freshRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-watchdog-test-'))
  roots.push(root)
  return root
}

describe('watchdog', () => {
  it('kills the servers and removes the temp dirs of a SIGKILLed runner within 2 s, then exits', async () => {
    requireBuild()
    const root = freshRoot()
    // a stale run dir of a dead run: reaped when the runner creates its own
    const stale = path.join(root, `run-${deadPid()}-deadbeef`)
    fs.mkdirSync(stale)
    fs.writeFileSync(path.join(stale, 'leftover'), 'x')
    const run = startRunner({
      INFRA_TMP_DIR: root,
      INFRA_RUN_DIR: undefined,
      INFRA_WATCHDOG_SOCKET: undefined, // its own watchdog
      INFRA_WATCHDOG_LINGER_MS: '200',
    })
    const r = await run.report
    expect(r.dirs.every((d) => fs.existsSync(d))).toBe(true)
    expect([...r.pids, r.helperPid].every(isRunning)).toBe(true)
    expect(fs.existsSync(stale)).toBe(false)
    expect(r.watchdogs).toHaveLength(2)
    expect(r.watchdogs.every(isRunning)).toBe(true)

    await sigkill(run.child)
    await waitFor(() => gone(r), { what: 'the servers to die and the temp dirs to go', timeoutMs: 2_000 })
    // no client left: the watchdog lingers briefly, exits and removes the run dir of the dead run
    await waitFor(() => r.watchdogs.every((p) => !isRunning(p)) && !fs.existsSync(r.runDir), {
      what: 'the idle watchdog to exit and remove the run dir',
      timeoutMs: 10_000,
    })
  })

  it('shared by several processes: cleans up after the dead one only', async () => {
    requireBuild()
    // this worker's own server, registered with the same watchdog the runner will use
    const mine = await withPortRetry((port) => new ServiceProcess(serverSpec('survivor', port)).start())
    try {
      const watchdog = await getWatchdog()
      const run = startRunner({ INFRA_WATCHDOG_SOCKET: process.env.INFRA_WATCHDOG_SOCKET })
      const r = await run.report
      expect(r.watchdogs.sort()).toEqual(watchdog.pids.sort())
      await sigkill(run.child)
      await waitFor(() => gone(r), { what: "the dead runner's servers and dirs to go", timeoutMs: 2_000 })
      expect(watchdog.connected).toBe(true)
      expect(await ping(mine.port!)).toContain(`pong ${mine.pid}`)
    } finally {
      await mine.stop()
    }
  })

  it('a runner whose watchdog was killed gets a new one that knows everything registered', async () => {
    requireBuild()
    const run = startRunner({
      INFRA_WATCHDOG_SOCKET: undefined,
      REPORT_REWATCH: '1',
      SERVERS: '1',
      DIRS: '1',
    })
    const r = await run.report
    process.kill(r.watchdogs[0]!, 'SIGKILL')
    await run.line(/^rewatched /)
    // the original pair is gone: only the replacement can clean up, so it must have been told everything
    process.kill(r.watchdogs[1]!, 'SIGKILL')
    await sigkill(run.child)
    await waitFor(() => gone(r), { what: 'the new watchdog to clean up', timeoutMs: 2_000 })
  })
})
