import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { isPidAlive } from '@infra/fixture-core'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { clusterDirBase, createClusterDir } from './data-dir.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'etcd-data-dir-test-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('clusterDirBase', () => {
  it('takes dataRoot as given (checked), and skips a /dev/shm that is not a tmpfs', () => {
    expect(clusterDirBase(root, 3)).toBe(root)
    expect(clusterDirBase(undefined, 1, root)).toBeUndefined()
  })

  it('falls back to the disk, with a warning, when the tmpfs lacks room for the preallocated WALs', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    try {
      if (fs.existsSync('/dev/shm') && clusterDirBase(undefined, 1) !== undefined) {
        expect(clusterDirBase(undefined, 1_000_000)).toBeUndefined()
        expect(String(warn.mock.calls[0]?.[0])).toMatch(
          /preallocating there may need: using the disk temp dir/,
        )
      }
    } finally {
      warn.mockRestore()
    }
  })
})

describe('createClusterDir', () => {
  it('reaps the dirs of dead owners first, killing an etcd that outlived its owner (and nothing else)', async () => {
    const dead = path.join(root, 'etcd-999999999-0123456789')
    fs.mkdirSync(path.join(dead, 'node-0'), { recursive: true })
    fs.writeFileSync(path.join(dead, 'owner'), '999999999 1\n')
    // stands in for an orphaned etcd: a process whose command line names a data dir inside `dead`
    const orphan = spawn(
      process.execPath,
      ['-e', 'setTimeout(() => {}, 30000)', '--', `--data-dir=${dead}/node-0`],
      {
        stdio: 'ignore',
      },
    )
    const bystander = spawn(
      process.execPath,
      ['-e', 'setTimeout(() => {}, 30000)', '--', `--data-dir=${root}/x`],
      {
        stdio: 'ignore',
      },
    )
    const alive = path.join(root, `etcd-${process.pid}-abcdefabcd`)
    fs.mkdirSync(alive)
    try {
      await sleep(100)
      expect([orphan.pid, bystander.pid].every((pid) => isPidAlive(pid!))).toBe(true)
      const dir = await createClusterDir(root, 1)
      expect(fs.existsSync(dead)).toBe(false)
      expect(fs.existsSync(alive)).toBe(true)
      const until = Date.now() + 3_000
      while (isPidAlive(orphan.pid!) && Date.now() < until) await sleep(20)
      expect(isPidAlive(orphan.pid!)).toBe(false)
      expect(isPidAlive(bystander.pid!)).toBe(true)
      expect(fs.readFileSync(path.join(dir.path, 'owner'), 'utf8')).toMatch(new RegExp(`^${process.pid} `))
      await dir.remove()
      expect(fs.existsSync(dir.path)).toBe(false)
    } finally {
      orphan.kill('SIGKILL')
      bystander.kill('SIGKILL')
    }
  })
})
