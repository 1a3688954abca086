import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { BinaryNotFoundError } from '../errors.js'
import { resolveBinary } from './binaries.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-bin-test-'))
const savedPath = process.env.PATH
afterEach(() => {
  process.env.PATH = savedPath
  delete process.env.FC_TEST_BIN
})
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

function executable(dir: string, name: string, mode = 0o755): string {
  fs.mkdirSync(path.join(root, dir), { recursive: true })
  const file = path.join(root, dir, name)
  fs.writeFileSync(file, '#!/bin/sh\n', { mode })
  fs.chmodSync(file, mode)
  return file
}

const spec = { name: 'fc-server', envVar: 'FC_TEST_BIN', installHint: 'apt-get install fc-server' }

describe('resolveBinary', () => {
  it('prefers the env override (a file or a directory)', () => {
    const file = executable('env', 'fc-server')
    executable('path', 'fc-server')
    process.env.PATH = path.join(root, 'path')
    process.env.FC_TEST_BIN = file
    expect(resolveBinary(spec)).toBe(file)
    process.env.FC_TEST_BIN = path.join(root, 'env')
    expect(resolveBinary(spec)).toBe(file)
  })

  it('fails on a wrong env override instead of silently using another binary', () => {
    executable('path', 'fc-server')
    process.env.PATH = path.join(root, 'path')
    process.env.FC_TEST_BIN = path.join(root, 'nope')
    expect(() => resolveBinary(spec)).toThrow(/\$FC_TEST_BIN=.*nope \(not an executable 'fc-server'\)/)
  })

  it('then PATH, then known dirs, then npm, skipping files that are not executable', () => {
    executable('known', 'fc-server')
    executable('noexec', 'fc-server', 0o644)
    process.env.PATH = [path.join(root, 'noexec'), path.join(root, 'empty')].join(path.delimiter)
    expect(resolveBinary({ ...spec, knownDirs: [path.join(root, 'known')] })).toBe(
      path.join(root, 'known', 'fc-server'),
    )
    const npm = executable('npm', 'fc-server')
    expect(resolveBinary({ ...spec, knownDirs: [path.join(root, 'empty')], fromNpm: () => npm })).toBe(npm)
    executable('path', 'fc-server')
    process.env.PATH = path.join(root, 'path')
    expect(resolveBinary({ ...spec, fromNpm: () => npm })).toBe(path.join(root, 'path', 'fc-server'))
  })

  it('throws BinaryNotFoundError naming the binary, env variable, install command and the places searched', () => {
    process.env.PATH = path.join(root, 'empty')
    const err = (() => {
      try {
        resolveBinary({
          ...spec,
          knownDirs: ['/opt/fc/bin'],
          fromNpm: () => {
            throw new Error('package @fc/bin not installed')
          },
        })
      } catch (e) {
        return e
      }
    })() as BinaryNotFoundError
    expect(err).toBeInstanceOf(BinaryNotFoundError)
    expect(err.binary).toBe('fc-server')
    expect(err.message).toContain("Cannot find the 'fc-server' binary")
    expect(err.message).toContain('set FC_TEST_BIN=/path/to/fc-server, or apt-get install fc-server')
    expect(err.searched).toEqual(['PATH', '/opt/fc/bin', 'npm packages (package @fc/bin not installed)'])
  })

  it('checks an explicit path first (a home with bin/ too) and never falls back from it', () => {
    executable('path', 'fc-server')
    const inHome = executable('home/bin', 'fc-server')
    process.env.PATH = path.join(root, 'path')
    expect(resolveBinary({ ...spec, explicit: path.join(root, 'home') })).toBe(inHome)
    expect(() =>
      resolveBinary({ ...spec, explicit: path.join(root, 'nope'), explicitName: 'the fc option' }),
    ).toThrow(/the fc option=.*nope \(not an executable 'fc-server'\)/)
  })

  it('accept() rejects candidates: the search goes on, an override fails with the reason', () => {
    const old = executable('old', 'fc-server')
    const good = executable('good', 'fc-server')
    process.env.PATH = [path.join(root, 'old'), path.join(root, 'good')].join(path.delimiter)
    const accept = (p: string) => (p === old ? 'version 1 is too old' : undefined)
    expect(resolveBinary({ ...spec, accept })).toBe(good)
    process.env.FC_TEST_BIN = old
    const err = (() => {
      try {
        resolveBinary({ ...spec, accept })
      } catch (e) {
        return e
      }
    })() as BinaryNotFoundError
    expect(err).toBeInstanceOf(BinaryNotFoundError)
    expect(err.searched).toEqual([`$FC_TEST_BIN: ${old} (version 1 is too old)`])
  })
})
