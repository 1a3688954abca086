import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { describe, expect, it } from 'vitest'
import { descendantPids, isRunning, signalEach } from './process-tree.js'

describe('process tree', () => {
  it('finds descendants, also those in another session', async () => {
    const child = spawn('sh', ['-c', 'setsid sleep 30 & sleep 30 & wait'], { stdio: 'ignore' })
    try {
      let mine: number[] = []
      for (let i = 0; i < 200 && mine.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 10))
        mine = descendantPids(child.pid!)
      }
      expect(mine.length).toBeGreaterThanOrEqual(2)
      expect(mine.every(isRunning)).toBe(true)
      signalEach(mine, 'SIGKILL')
      await once(child, 'exit')
    } finally {
      child.kill('SIGKILL')
    }
  })

  it('reports a dead pid as not running', () => {
    expect(isRunning(2 ** 22 + 12345)).toBe(false)
  })
})
