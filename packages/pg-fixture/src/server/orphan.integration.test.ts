// The orphan probe for PostgreSQL: SIGKILL a watchdog (or all of them), then the runner at once.
// Nothing may be left: no postmaster or backend, no SysV segment; the data dir goes at once (one
// watchdog killed) or at the next start (all killed: `pkill -9 node`). INFRA_ORPHAN_ROUNDS (default 2).
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { isPidAlive, reapStaleRunDirs, waitFor } from '@infra/fixture-core'
import { afterAll, describe, expect, it } from 'vitest'
import { descendantPids } from './process-tree.js'
import { startPostgres } from './start.js'

const ROUNDS = Number(process.env.INFRA_ORPHAN_ROUNDS ?? 2)
const runner = fileURLToPath(new URL('../../test/orphan-runner.mjs', import.meta.url))
const dist = fileURLToPath(new URL('../../dist/index.js', import.meta.url))
const children: ReturnType<typeof spawn>[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
})

interface Report {
  postmaster: number
  dataDir: string
  runDir: string
  segment: string | undefined
  watchdogs: number[]
}

async function startRunner(): Promise<{ child: ReturnType<typeof spawn>; report: Report }> {
  const env = { ...process.env }
  delete env.INFRA_RUN_DIR
  delete env.INFRA_WATCHDOG_SOCKET
  const child = spawn(process.execPath, [runner], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  let err = ''
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c))
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c))
  const line = await waitFor(() => out.split('\n').find((l) => l.startsWith('{')), {
    what: `the runner to start PostgreSQL (stderr: ${err})`,
    timeoutMs: 60_000,
  })
  return { child, report: JSON.parse(line) as Report }
}

function segmentExists(id: string | undefined): boolean {
  if (!id) return false
  return execFileSync('ipcs', ['-m'], { encoding: 'utf8' })
    .split('\n')
    .some((l) => l.trim().split(/\s+/)[1] === id)
}

async function killAndCheck(allWatchdogs: boolean): Promise<void> {
  const { child, report } = await startRunner()
  const pids = [report.postmaster, ...descendantPids(report.postmaster)]
  expect(pids.length).toBeGreaterThan(2)
  for (const pid of allWatchdogs ? report.watchdogs : report.watchdogs.slice(0, 1))
    process.kill(pid, 'SIGKILL')
  child.kill('SIGKILL')
  await waitFor(() => pids.every((p) => !isPidAlive(p)), {
    what: `postgres processes ${pids.join(', ')} to die with the runner`,
    timeoutMs: 5_000,
  })
  await waitFor(() => !segmentExists(report.segment), { what: 'the SysV segment to go', timeoutMs: 5_000 })
  if (allWatchdogs) {
    // what the next run does at its start, seconds later: on a loaded machine a watchdog can still be
    // running a few ms after its SIGKILL, and a run it still seems to guard is not reaped
    await waitFor(() => report.watchdogs.every((p) => !isPidAlive(p)), {
      what: `the SIGKILLed watchdogs ${report.watchdogs.join(', ')} to die`,
      timeoutMs: 5_000,
    })
    reapStaleRunDirs(path.dirname(report.runDir))
  }
  await waitFor(() => !fs.existsSync(report.dataDir) && !fs.existsSync(report.runDir), {
    what: `the data dir ${report.dataDir} and the run dir to go`,
    timeoutMs: 5_000,
  })
}

describe.runIf(fs.existsSync(dist))(
  'no orphan PostgreSQL when the runner and its watchdog die together',
  () => {
    it(`one watchdog SIGKILLed, then the runner at once (${ROUNDS} rounds)`, {
      timeout: 60_000 * ROUNDS,
    }, async () => {
      await startPostgres({ migrationsKey: 'orphan.integration' }).then((s) => s.stop()) // cache warm
      for (let i = 0; i < ROUNDS; i++) await killAndCheck(false)
    })

    it(`every watchdog and the runner SIGKILLed at once (${ROUNDS} rounds)`, {
      timeout: 60_000 * ROUNDS,
    }, async () => {
      for (let i = 0; i < ROUNDS; i++) await killAndCheck(true)
    })
  },
)
