// The orphan probe on fixture-core's own test servers: kill the watchdogs and the runner in every
// order and timing, and assert that nothing is left (processes, dirs). Rounds come from
// INFRA_ORPHAN_ROUNDS (default 3 per case) and INFRA_ORPHAN_STRESS_ROUNDS (default 10, ~30 s; the
// issue's figure was measured with 30).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, describe, expect, it } from 'vitest'
import { isRunning, requireBuild } from '../../test/helpers.js'
import { expectNothingLeft, killRunners, leftovers, sigkill, startRunner } from '../../test/killed-runs.js'
import { reapStaleRunDirs } from '../dirs/reap.js'
import { waitFor } from '../wait.js'

const ROUNDS = Number(process.env.INFRA_ORPHAN_ROUNDS ?? 3)
const STRESS_ROUNDS = Number(process.env.INFRA_ORPHAN_STRESS_ROUNDS ?? 10)
const roots: string[] = []
afterAll(() => {
  killRunners()
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true })
})

function freshEnv() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-orphan-test-'))
  fs.chmodSync(root, 0o700)
  roots.push(root)
  return {
    root,
    env: {
      INFRA_TMP_DIR: root,
      INFRA_RUN_DIR: undefined,
      INFRA_WATCHDOG_SOCKET: undefined,
      INFRA_WATCHDOG_LINGER_MS: '100',
      SERVERS: '2',
      DIRS: '1',
    },
  }
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // already gone
  }
}

/**
 * A later run's reaping comes seconds or minutes after a crash; here it comes at once, so first wait for
 * the SIGKILLed watchdogs to be gone. On a loaded machine one was still running (state R) a few ms after
 * its SIGKILL: the reaping then rightly took the run for guarded, the watchdog died without cleaning, and
 * the test saw the run's helper process and dirs left for 10 s.
 */
async function watchdogsDead(pids: number[]): Promise<void> {
  await waitFor(() => pids.every((pid) => !isRunning(pid)), {
    what: 'the SIGKILLed watchdogs to die',
    timeoutMs: 5_000,
  })
}

describe('no orphan when the runner and its watchdog die together', () => {
  for (const delay of [0, 1_000]) {
    it(`SIGKILL a watchdog, then the runner ${delay} ms later: nothing is left (${ROUNDS} rounds)`, {
      timeout: 20_000 * ROUNDS,
    }, async () => {
      requireBuild()
      for (let round = 0; round < ROUNDS; round++) {
        const { env } = freshEnv()
        const run = startRunner(env)
        const r = await run.report
        expect(r.watchdogs).toHaveLength(2)
        killPid(r.watchdogs[0]!)
        if (delay > 0) await sleep(delay)
        await sigkill(run.child)
        await expectNothingLeft(r)
      }
    })
  }

  it(`SIGKILL every watchdog and the runner at once (pkill -9 node): the kernel kills the servers, the next run reaps the rest (${ROUNDS} rounds)`, {
    timeout: 20_000 * ROUNDS,
  }, async () => {
    requireBuild()
    for (let round = 0; round < ROUNDS; round++) {
      const { root, env } = freshEnv()
      const run = startRunner(env)
      const r = await run.report
      for (const pid of r.watchdogs) killPid(pid)
      await sigkill(run.child)
      // parent-death signal: the server processes themselves die with the runner
      await waitFor(() => r.pids.every((pid) => !isRunning(pid)), {
        what: 'the servers to die with their parent (setpriv --pdeathsig)',
        timeoutMs: 2_000,
      })
      // what nothing could clean (the helper in a server's group, the dirs) goes at the next run's start; the
      // runner may have respawned a watchdog between the kills, which then cleaned up already
      await watchdogsDead(r.watchdogs)
      const reaped = reapStaleRunDirs(root)
      expect(reaped.filter((dir) => dir !== r.runDir)).toEqual([])
      await expectNothingLeft(r)
    }
  })

  it(`stress: watchdogs and runner killed in turn, in varying order and timing (${STRESS_ROUNDS} rounds)`, {
    timeout: 15_000 * STRESS_ROUNDS,
  }, async () => {
    requireBuild()
    const left: string[] = []
    for (let round = 0; round < STRESS_ROUNDS; round++) {
      const { root, env } = freshEnv()
      const run = startRunner(env)
      const r = await run.report
      const pause = [0, 5, 50, 150][round % 4]!
      if (round % 3 === 0) {
        killPid(r.watchdogs[round % 2]!)
        await sleep(pause)
        await sigkill(run.child)
      } else if (round % 3 === 1) {
        await sigkill(run.child)
        await sleep(pause)
        killPid(r.watchdogs[round % 2]!) // killed while cleaning up: the other one finishes
      } else {
        for (const pid of r.watchdogs) killPid(pid)
        await sleep(pause)
        await sigkill(run.child)
        await waitFor(() => r.pids.every((pid) => !isRunning(pid)), {
          what: 'the servers to die with their parent',
          timeoutMs: 2_000,
        })
        await watchdogsDead(r.watchdogs)
        reapStaleRunDirs(root)
      }
      try {
        await expectNothingLeft(r)
      } catch (err) {
        left.push(`round ${round}: ${(err as Error).message}`)
        const l = leftovers(r)
        for (const p of l.processes) killPid(Number(p.split(' ')[0]))
      }
    }
    expect(left).toEqual([])
  })
})
