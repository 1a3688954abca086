// A backend crash makes the postmaster re-create shared memory with a new System V segment; a SIGKILL
// of the server afterwards (kill(), or the runner dying) must not leak that segment.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { waitFor } from '@infra/fixture-core'
import pg from 'pg'
import { it } from 'vitest'
import { descendantPids, isRunning } from './process-tree.js'
import { startPostgres } from './start.js'

function segmentId(dataDir: string): string | undefined {
  try {
    return fs
      .readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8')
      .split('\n')[6]
      ?.trim()
      .split(/\s+/)[1]
  } catch {
    return undefined
  }
}

function segmentExists(id: string): boolean {
  return execFileSync('ipcs', ['-m'], { encoding: 'utf8' })
    .split('\n')
    .some((l) => l.trim().split(/\s+/)[1] === id)
}

it('no SysV segment leaks when a backend crashes and the server is then SIGKILLed', {
  timeout: 60_000,
}, async () => {
  await using server = await startPostgres({ migrationsKey: 'sysv.integration' })
  const dataDir = server.dataDir!
  const first = segmentId(dataDir)!
  const client = new pg.Client({ connectionString: server.url })
  client.on('error', () => {})
  await client.connect()
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')
  process.kill(rows[0]!.pid, 'SIGKILL') // a backend crash: the postmaster re-initialises shared memory
  await client.end().catch(() => {})
  const second = await waitFor(
    () => {
      const id = segmentId(dataDir)
      return id && id !== first ? id : undefined
    },
    { what: 'the postmaster to re-create shared memory after the backend crash', timeoutMs: 20_000 },
  )
  await waitFor(
    async () => {
      const c = new pg.Client({ connectionString: server.url })
      c.on('error', () => {})
      try {
        await c.connect()
        return true
      } finally {
        await c.end().catch(() => {})
      }
    },
    { what: 'the server to accept connections again', timeoutMs: 20_000 },
  )
  // SIGKILL the whole tree behind the handle's back, as a dying runner's kernel or watchdog would
  const postmaster = server.process!.pid!
  const tree = [postmaster, ...descendantPids(postmaster)]
  await new Promise((resolve) => setTimeout(resolve, 1_200)) // the segment watcher looks twice a second
  for (const pid of tree) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // exited meanwhile
    }
  }
  await waitFor(() => tree.every((p) => !isRunning(p)), {
    what: 'the killed server to exit',
    timeoutMs: 10_000,
  })
  await waitFor(() => !segmentExists(second), {
    what: `the re-created segment ${second} to be freed`,
    timeoutMs: 5_000,
  })
})
