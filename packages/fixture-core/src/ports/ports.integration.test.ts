import type { ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, describe, expect, it } from 'vitest'
import { isRunning, ping, requireBuild, spawnRunner } from '../../test/helpers.js'
import { waitFor } from '../wait.js'
import { getFreePorts } from './ports.js'

const RUNNERS = 4
const PER_RUNNER = 20
const runners: ChildProcess[] = []
afterAll(() => {
  for (const r of runners) if (r.exitCode === null) r.kill('SIGKILL')
})

interface Report {
  servers: { port: number; pid: number }[]
  retries: number
}

function startRunner(firstPorts: number[]): Promise<Report> {
  const { child, output } = spawnRunner(
    'start-servers.mjs',
    { ...process.env, COUNT: String(PER_RUNNER), FIRST_PORTS: firstPorts.join(',') },
    'pipe',
  )
  runners.push(child)
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', () => {
      const out = output.stdout
      if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))) as Report)
    })
    child.once('exit', (code) =>
      reject(new Error(`runner exited (${code}) before reporting:\n${output.stderr}`)),
    )
  })
}

describe('ports under a real bind race', () => {
  it(`${RUNNERS} processes × ${PER_RUNNER} servers started at once get distinct ports and all answer`, async () => {
    requireBuild()
    // every runner is told to try the SAME ports first: 3 of 4 lose each bind race and must retry
    const contested = await getFreePorts(PER_RUNNER)
    const reports = await Promise.all(Array.from({ length: RUNNERS }, () => startRunner(contested)))
    const servers = reports.flatMap((r) => r.servers)
    expect(servers).toHaveLength(RUNNERS * PER_RUNNER)
    expect(new Set(servers.map((s) => s.port)).size).toBe(RUNNERS * PER_RUNNER)
    expect(reports.reduce((n, r) => n + r.retries, 0)).toBeGreaterThanOrEqual((RUNNERS - 1) * PER_RUNNER)
    // each port is served by the process its runner started there
    const answers = await Promise.all(servers.map((s) => ping(s.port, 10_000)))
    expect(answers).toEqual(servers.map((s) => expect.stringMatching(new RegExp(`^pong ${s.pid} `))))

    for (const r of runners) r.stdin!.end()
    await Promise.all(runners.map((r) => (r.exitCode === null ? once(r, 'exit') : undefined)))
    await waitFor(() => servers.every((s) => !isRunning(s.pid)), {
      what: 'all 80 servers to exit',
      timeoutMs: 10_000,
    })
  })
})
