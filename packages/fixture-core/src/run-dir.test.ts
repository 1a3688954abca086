import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deadPid } from '../test/helpers.js'
import { isPidAlive, reapStaleRunDirs } from './run-dir.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-rundir-test-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

function runDir(owner: number, watchdog?: number): string {
  const dir = path.join(root, `run-${owner}-${Math.random().toString(16).slice(2, 10)}`)
  fs.mkdirSync(path.join(dir, 'pg-data'), { recursive: true })
  if (watchdog !== undefined) fs.writeFileSync(path.join(dir, `watchdog-${watchdog}.pid`), String(watchdog))
  return dir
}

describe('reapStaleRunDirs', () => {
  it('removes run dirs whose creator and watchdogs are dead, and nothing else', () => {
    const dead = deadPid()
    const stale = runDir(dead)
    const staleWithDeadWatchdog = runDir(dead, deadPid())
    const live = runDir(process.pid)
    const liveWatchdog = runDir(dead, process.pid)
    const notARunDir = path.join(root, `keep-${dead}`)
    fs.mkdirSync(notARunDir)
    const removed = reapStaleRunDirs(root)
    expect(removed.sort()).toEqual([stale, staleWithDeadWatchdog].sort())
    for (const kept of [live, liveWatchdog, notARunDir]) expect(fs.existsSync(kept)).toBe(true)
  })

  it('is quiet about a missing root', () => {
    expect(reapStaleRunDirs(path.join(root, 'missing'))).toEqual([])
  })
})

describe('isPidAlive', () => {
  it('tells live from dead pids', () => {
    expect(isPidAlive(process.pid)).toBe(true)
    expect(isPidAlive(deadPid())).toBe(false)
    expect(isPidAlive(0)).toBe(false)
  })
})
