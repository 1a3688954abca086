// A runner frozen (SIGSTOP) during a start longer than the start timeout: when it continues, the
// overdue deadline fires before the probe's answer is read. The wait must re-check once and report
// the server as ready, not a false StartupTimeoutError.
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, expect, it } from 'vitest'
import { requireBuild, spawnRunner } from '../../test/helpers.js'
import { waitFor } from '../wait.js'

const kids: ReturnType<typeof spawnRunner>[] = []
afterAll(() => {
  for (const { child } of kids) if (child.exitCode === null) child.kill('SIGKILL')
})

const ROUNDS = Number(process.env.INFRA_SIGSTOP_ROUNDS ?? 2)

it(`a runner SIGSTOPped for 3 s during a 2 s start gets the server, not a timeout (${ROUNDS} rounds)`, {
  timeout: 20_000 * ROUNDS,
}, async () => {
  requireBuild()
  for (let round = 0; round < ROUNDS; round++) {
    const run = spawnRunner('start-then-report.mjs', { ...process.env })
    kids.push(run)
    await waitFor(() => run.output.stdout.includes('spawned'), {
      what: `the runner to spawn its server (stderr: ${run.output.stderr})`,
      timeoutMs: 30_000,
    })
    await sleep(500) // into the probe loop (the server listens after 1.5 s)
    run.child.kill('SIGSTOP')
    await sleep(3_000)
    run.child.kill('SIGCONT')
    const line = await waitFor(() => run.output.stdout.split('\n').find((l) => /^(ready|error) /.test(l)), {
      what: 'the runner to report the start',
      timeoutMs: 20_000,
    })
    expect(line).toMatch(/^ready \d+$/)
  }
})
