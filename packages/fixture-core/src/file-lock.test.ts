import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deadPid } from '../test/helpers.js'
import { WaitTimeoutError } from './errors.js'
import { acquireFileLock } from './file-lock.js'

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
})
