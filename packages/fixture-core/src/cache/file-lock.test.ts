import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deadPid } from '../../test/helpers.js'
import { EnvironmentError, WaitTimeoutError } from '../errors.js'
import { acquireFileLock, EMPTY_LOCK_GRACE_MS } from './file-lock.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-lock-test-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('acquireFileLock', () => {
  it('is exclusive until released', async () => {
    const file = path.join(root, 'a.lock')
    const lock = await acquireFileLock(file)
    const err = await acquireFileLock(file, { timeoutMs: 50, what: 'the a-lock' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WaitTimeoutError)
    expect((err as Error).message).toBe('Timed out after 50 ms waiting for the a-lock.')
    lock.release()
    lock.release()
    const again = await acquireFileLock(file, { timeoutMs: 1_000 })
    again.release()
    expect(fs.existsSync(file)).toBe(false)
  })

  it('breaks the lock of a dead owner', async () => {
    const file = path.join(root, 'b.lock')
    fs.writeFileSync(file, String(deadPid()))
    const lock = await acquireFileLock(file, { timeoutMs: 1_000 })
    expect(fs.readFileSync(file, 'utf8').split(' ')[0]).toBe(String(process.pid))
    lock.release()
    expect(fs.readdirSync(root).filter((f) => f.startsWith('b.lock'))).toEqual([])
  })

  it('breaks a lock whose pid was recycled (start time differs)', async () => {
    const file = path.join(root, 'c.lock')
    fs.writeFileSync(file, `${process.pid} 1`) // our pid, but "started" at tick 1: not us
    const lock = await acquireFileLock(file, { timeoutMs: 1_000 })
    lock.release()
  })

  it('breaks an empty lock (its writer hit ENOSPC) once it is older than the grace period, not before', async () => {
    const file = path.join(root, 'd.lock')
    fs.writeFileSync(file, '')
    const early = await acquireFileLock(file, { timeoutMs: 100, what: 'the d-lock' }).catch((e: unknown) => e)
    expect(early).toBeInstanceOf(WaitTimeoutError)
    const old = new Date(Date.now() - EMPTY_LOCK_GRACE_MS - 1_000)
    fs.utimesSync(file, old, old)
    const lock = await acquireFileLock(file, { timeoutMs: 1_000 })
    expect(fs.readFileSync(file, 'utf8').split(' ')[0]).toBe(String(process.pid))
    lock.release()
  })

  it('a lock in a missing or non-directory path is an EnvironmentError naming the path and the env variable', async () => {
    const notADir = path.join(root, 'plain-file')
    fs.writeFileSync(notADir, 'x')
    for (const file of [path.join(notADir, 'e.lock'), path.join(root, 'missing', 'e.lock')]) {
      const err = await acquireFileLock(file, { timeoutMs: 100, envVar: 'MY_DIR' }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(EnvironmentError)
      expect((err as Error).message).toContain(file)
      expect((err as Error).message).toContain('MY_DIR')
    }
  })
})
