import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deadPid, isRunning, ping, requireBuild, serverSpec, spawnRunner } from '../test/helpers.js'
import { withPortRetry } from './ports.js'
import { ServiceProcess } from './service-process.js'
import { waitFor } from './wait.js'
import { getWatchdog } from './watchdog.js'

interface Report {
  pids: number[]
  helperPid: number
  dirs: string[]
  runDir: string
  socket: string
}

const children: ChildProcess[] = []
const roots: string[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true })
})

function startRunner(env: Record<string, string | undefined>) {
  const runEnv: NodeJS.ProcessEnv = { ...process.env, ...env }
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete runEnv[k]
  const { child, output } = spawnRunner('runner-to-kill.mjs', runEnv)
  children.push(child)
  const line = (prefix: RegExp) =>
    waitFor(() => output.stdout.split('\n').find((l) => prefix.test(l)), {
      what: `the runner to print ${prefix} (stderr: ${output.stderr})`,
      timeoutMs: 30_000,
    })
  const report = line(/^\{/).then((l) => JSON.parse(l) as Report)
  return { child, report, line }
}

function gone(report: Report): boolean {
  return (
    [...report.pids, report.helperPid].every((pid) => !isRunning(pid)) &&
    report.dirs.every((d) => !fs.existsSync(d))
  )
}

async function sigkill(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL')
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
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
    const { child, report } = startRunner({
      INFRA_TMP_DIR: root,
      INFRA_RUN_DIR: undefined,
      INFRA_WATCHDOG_SOCKET: undefined, // its own watchdog
      INFRA_WATCHDOG_LINGER_MS: '200',
    })
    const r = await report
    expect(r.dirs.every((d) => fs.existsSync(d))).toBe(true)
    expect([...r.pids, r.helperPid].every(isRunning)).toBe(true)
    expect(fs.existsSync(stale)).toBe(false)
    const watchdogPid = Number(/watchdog-(\d+)\.sock$/.exec(r.socket)?.[1])
    expect(isRunning(watchdogPid)).toBe(true)

    await sigkill(child)
    await waitFor(() => gone(r), { what: 'the servers to die and the temp dirs to go', timeoutMs: 2_000 })
    // no client left: the watchdog lingers briefly, exits and removes the run dir of the dead run
    await waitFor(() => !isRunning(watchdogPid) && !fs.existsSync(r.runDir), {
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
      const { child, report } = startRunner({ INFRA_WATCHDOG_SOCKET: watchdog.socketPath })
      const r = await report
      expect(r.socket).toBe(watchdog.socketPath)
      await sigkill(child)
      await waitFor(() => gone(r), { what: "the dead runner's servers and dirs to go", timeoutMs: 2_000 })
      expect(watchdog.connected).toBe(true)
      expect(await ping(mine.port!)).toContain(`pong ${mine.pid}`)
    } finally {
      await mine.stop()
    }
  })

  it('a runner whose watchdog was killed gets a new one that knows everything registered', async () => {
    requireBuild()
    const { child, report, line } = startRunner({
      INFRA_WATCHDOG_SOCKET: undefined,
      REPORT_REWATCH: '1',
      SERVERS: '1',
      DIRS: '1',
    })
    const r = await report
    const firstWatchdog = Number(/watchdog-(\d+)\.sock$/.exec(r.socket)?.[1])
    process.kill(firstWatchdog, 'SIGKILL')
    await line(/^rewatched /)
    await sigkill(child)
    await waitFor(() => gone(r), { what: 'the new watchdog to clean up', timeoutMs: 2_000 })
  })
})
