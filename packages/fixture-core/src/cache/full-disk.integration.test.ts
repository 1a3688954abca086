// A full disk while taking the build lock: a typed error, and no 0-byte lock that would make every
// later run wait 300 s. Needs root (mounts a 64 KB tmpfs); skipped otherwise.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EnvironmentError } from '../errors.js'
import { buildOnce } from './build-cache.js'
import { acquireFileLock } from './file-lock.js'

const isRoot = process.getuid?.() === 0
const mnt = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-fulldisk-'))
let mounted = false

beforeAll(() => {
  if (!isRoot) return
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', mnt])
  mounted = true
  fs.mkdirSync(path.join(mnt, 'cache', 'kind'), { recursive: true, mode: 0o700 })
})
afterAll(() => {
  if (mounted) execFileSync('umount', [mnt])
  fs.rmSync(mnt, { recursive: true, force: true })
})

function fill(): void {
  try {
    fs.writeFileSync(path.join(mnt, 'fill'), Buffer.alloc(128 * 1024))
  } catch {
    // full now
  }
}

describe.runIf(isRoot)('a full disk (ENOSPC)', () => {
  it('taking the lock is an EnvironmentError and leaves no empty lock behind', async () => {
    fill()
    const lockPath = path.join(mnt, 'cache', 'kind', 'key.lock')
    const err = await acquireFileLock(lockPath, { timeoutMs: 1_000 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(EnvironmentError)
    expect((err as Error).message).toContain('ENOSPC')
    expect((err as Error).message).toContain('INFRA_CACHE_DIR')
    expect(fs.existsSync(lockPath)).toBe(false)
    const build = await buildOnce({
      root: path.join(mnt, 'cache'),
      kind: 'kind',
      inputs: 1,
      build: async () => {},
    }).catch((e: unknown) => e)
    expect(build).toBeInstanceOf(EnvironmentError)
    // space again: the next run gets the lock at once
    fs.rmSync(path.join(mnt, 'fill'))
    const lock = await acquireFileLock(lockPath, { timeoutMs: 1_000 })
    lock.release()
  })
})
