import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../wait.js'
import { groupStopped, waitUntilGroupStopped } from './group-stop.js'
import { groupMembers } from './process-identity.js'

describe('waitUntilGroupStopped', () => {
  it('resolves once every process of the group has stopped, and groupStopped follows SIGCONT', async () => {
    // a group of three processes: the shell and two children
    const child = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait'], { detached: true, stdio: 'ignore' })
    const pgid = child.pid!
    try {
      await waitFor(() => groupMembers(pgid).length === 3, { what: 'the group of 3', timeoutMs: 5_000 })
      expect(groupStopped(pgid)).toBe(false)
      process.kill(-pgid, 'SIGSTOP')
      await waitUntilGroupStopped(pgid, 'sh group', 5_000)
      expect(groupStopped(pgid)).toBe(true)
      process.kill(-pgid, 'SIGCONT')
      await waitFor(() => groupStopped(pgid) === false, { what: 'the group to run again', timeoutMs: 5_000 })
    } finally {
      process.kill(-pgid, 'SIGKILL')
    }
  })

  it('a group that does not stop is a WaitTimeoutError naming it', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' })
    try {
      await expect(waitUntilGroupStopped(child.pid!, 'never-stopped', 50)).rejects.toThrow(
        /never-stopped.*to stop after SIGSTOP/,
      )
    } finally {
      process.kill(-child.pid!, 'SIGKILL')
    }
  })
})
