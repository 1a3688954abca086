import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EnvironmentError } from '../errors.js'
import { checkedRunsRoot } from './run-dir.js'
import { ensureSafeDir, perUserName, privateDirMode } from './safe-dir.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-safedir-test-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))
const isRoot = process.getuid?.() === 0
const opts = { what: 'the test dir', envVar: 'TEST_DIR', userGiven: false }

function errorOf(fn: () => unknown): Error {
  try {
    fn()
  } catch (err) {
    return err as Error
  }
  throw new Error('expected an error')
}

describe('ensureSafeDir', () => {
  it('creates a missing dir private to this user (0700; 0711 for root, whose servers must traverse it)', () => {
    const dir = path.join(root, 'fresh', 'nested')
    expect(ensureSafeDir(dir, { ...opts, mode: privateDirMode() })).toBe(dir)
    expect(fs.statSync(dir).mode & 0o7777).toBe(isRoot ? 0o711 : 0o700)
  })

  it('never changes the mode of a dir that exists (user-given INFRA_TMP_DIR stays as the user made it)', () => {
    const dir = path.join(root, 'given')
    fs.mkdirSync(dir, { mode: 0o750 })
    fs.chmodSync(dir, 0o750)
    ensureSafeDir(dir, { ...opts, userGiven: true, mode: 0o700 })
    expect(fs.statSync(dir).mode & 0o7777).toBe(0o750)
  })

  it('refuses a dir writable by group or others, naming the path and the env variable', () => {
    const dir = path.join(root, 'open')
    fs.mkdirSync(dir)
    fs.chmodSync(dir, 0o777)
    const err = errorOf(() => ensureSafeDir(dir, opts))
    expect(err).toBeInstanceOf(EnvironmentError)
    expect(err.message).toContain(dir)
    expect(err.message).toContain('TEST_DIR')
    expect(err.message).toContain('writable by group or others')
  })

  it('refuses a path that is a file (ENOTDIR) or below one, as an EnvironmentError', () => {
    const file = path.join(root, 'a-file')
    fs.writeFileSync(file, 'x')
    for (const dir of [file, path.join(file, 'sub')]) {
      const err = errorOf(() => ensureSafeDir(dir, opts))
      expect(err).toBeInstanceOf(EnvironmentError)
      expect(err.message).toContain('TEST_DIR')
    }
  })

  it('refuses a default path that is a symlink (someone may have planted it)', () => {
    const target = fs.mkdtempSync(path.join(root, 'target-'))
    const link = path.join(root, 'link')
    fs.symlinkSync(target, link)
    expect(errorOf(() => ensureSafeDir(link, opts)).message).toContain('symbolic link')
  })

  it.runIf(isRoot)('refuses a dir another user pre-created (cache squatting)', () => {
    const dir = path.join(root, 'squatted')
    fs.mkdirSync(dir, { mode: 0o755 })
    fs.chownSync(dir, 65534, 65534)
    const err = errorOf(() => ensureSafeDir(dir, { ...opts, userGiven: true }))
    expect(err).toBeInstanceOf(EnvironmentError)
    expect(err.message).toContain('belongs to uid 65534')
  })

  it('names default dirs per user', () => {
    expect(perUserName('/tmp', 'infra-fixtures')).toBe(`/tmp/infra-fixtures-${process.getuid?.()}`)
  })
})

describe('the run root', () => {
  it('an unusable INFRA_TMP_DIR is an EnvironmentError naming it and the variable', () => {
    const file = path.join(root, 'not-a-dir')
    fs.writeFileSync(file, 'x')
    const saved = process.env.INFRA_TMP_DIR
    process.env.INFRA_TMP_DIR = path.join(file, 'runs')
    try {
      const err = errorOf(() => checkedRunsRoot())
      expect(err).toBeInstanceOf(EnvironmentError)
      expect(err.message).toContain('INFRA_TMP_DIR')
      expect(err.message).toContain(path.join(file, 'runs'))
    } finally {
      if (saved === undefined) delete process.env.INFRA_TMP_DIR
      else process.env.INFRA_TMP_DIR = saved
    }
  })
})
