import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isPidAlive } from '../process/process-identity.js'
import { copyDataDir } from './copy-dir.js'
import { createServerDir, dirBytes, killServerFromPidFile, serverDirBase } from './owned-dir.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-owned-dir-test-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

/** A pid that certainly belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!
}

describe('serverDirBase', () => {
  const opts = { userDirOption: 'the tmpDir option', what: 'the test root', needWhat: 'a test server' }

  it('takes the dir the user gave as it is (checked, never chmodded)', () => {
    const given = path.join(root, 'given')
    fs.mkdirSync(given, { mode: 0o750 })
    fs.chmodSync(given, 0o750)
    expect(serverDirBase({ ...opts, userDir: given, needBytes: 0 })).toBe(given)
    expect(fs.statSync(given).mode & 0o777).toBe(0o750)
  })

  it('falls back to the run dir (undefined) when the tmpfs is not one, or lacks the room', () => {
    expect(serverDirBase({ ...opts, needBytes: 0, shm: root })).toBeUndefined()
    if (serverDirBase({ ...opts, needBytes: 0 }) !== undefined) {
      expect(serverDirBase({ ...opts, needBytes: Number.MAX_SAFE_INTEGER })).toBeUndefined()
    }
  })
})

describe('createServerDir', () => {
  it('makes a private dir that names its owner, and removes it once', async () => {
    const base = fs.mkdtempSync(path.join(root, 'base-'))
    const dir = await createServerDir({ prefix: 'own', base })
    expect(path.basename(dir.path)).toMatch(new RegExp(`^own-${process.pid}-[0-9a-f]+$`))
    expect(fs.statSync(dir.path).mode & 0o777).toBe(0o700)
    expect(fs.readFileSync(path.join(dir.path, 'owner'), 'utf8')).toMatch(new RegExp(`^${process.pid} `))
    await Promise.all([dir.remove(), dir.remove()])
    expect(fs.existsSync(dir.path)).toBe(false)
  })

  it("reaps a dead owner's dir after ending what still runs there, and keeps a live owner's", async () => {
    const base = fs.mkdtempSync(path.join(root, 'reap-'))
    const dead = path.join(base, `srv-${deadPid()}-0123456789`)
    const live = path.join(base, `srv-${process.pid}-abcdef0123`)
    const other = path.join(base, 'unrelated')
    for (const d of [dead, live, other]) fs.mkdirSync(d)
    const ended: string[] = []
    const dir = await createServerDir({ prefix: 'srv', base, killLeftovers: (d) => ended.push(d) })
    try {
      expect(ended).toEqual([dead])
      expect(fs.existsSync(dead)).toBe(false)
      expect(fs.existsSync(live)).toBe(true)
      expect(fs.existsSync(other)).toBe(true)
    } finally {
      await dir.remove()
    }
  })

  it('puts the dir under the run dir when there is no base', async () => {
    const dir = await createServerDir({ prefix: 'nobase', base: undefined })
    try {
      expect(dir.path.startsWith(process.env.INFRA_RUN_DIR!)).toBe(true)
    } finally {
      await dir.remove()
    }
  })
})

describe('killServerFromPidFile', () => {
  it('kills the pid of the file only when its command line mentions the data dir', async () => {
    const dataDir = path.join(root, 'data-dir-of-test')
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)', dataDir])
    const exited = new Promise((resolve) => child.once('exit', resolve))
    const pidFile = path.join(root, 'server.pid')
    fs.writeFileSync(pidFile, `${child.pid}\n${dataDir}\n`)
    killServerFromPidFile(pidFile, path.join(root, 'another-dir'))
    expect(isPidAlive(child.pid!)).toBe(true)
    killServerFromPidFile(pidFile, dataDir)
    await exited
    expect(child.signalCode).toBe('SIGKILL')
  })
})

describe('copyDataDir', () => {
  it('copies files, nested dirs, modes and symbolic links', async () => {
    const src = path.join(root, 'src')
    fs.mkdirSync(path.join(src, 'base', '1'), { recursive: true })
    fs.writeFileSync(path.join(src, 'base', '1', 'table'), Buffer.alloc(10_000, 7))
    fs.writeFileSync(path.join(src, 'conf'), 'x = 1\n', { mode: 0o600 })
    fs.chmodSync(path.join(src, 'base'), 0o700)
    fs.symlinkSync('base/1/table', path.join(src, 'link'))
    const dest = path.join(root, 'dest')
    await copyDataDir(src, dest)
    expect(fs.readFileSync(path.join(dest, 'base', '1', 'table'))).toEqual(Buffer.alloc(10_000, 7))
    expect(fs.statSync(path.join(dest, 'conf')).mode & 0o777).toBe(0o600)
    expect(fs.statSync(path.join(dest, 'base')).mode & 0o777).toBe(0o700)
    expect(fs.readlinkSync(path.join(dest, 'link'))).toBe('base/1/table')
    expect(dirBytes(dest)).toBe(dirBytes(src))
  })
})
