import { describe, expect, it } from 'vitest'
import type { AdminConnection } from './admin-connection.js'
import { ClonePool } from './clone-pool.js'

/** Records the SQL the pool sends; each statement takes `delayMs`. (The scheduling is under test here; the
 * integration tests run the same pool against real servers.) */
function recorder(delayMs = 1) {
  const log: string[] = []
  let fail: Error | undefined
  const admin = {
    query: async (sql: string) => {
      await new Promise((r) => setTimeout(r, delayMs))
      if (fail) throw fail
      log.push(sql)
      return { rows: [], rowCount: 0 }
    },
  } as unknown as AdminConnection
  return { admin, log, failWith: (e: Error | undefined) => (fail = e) }
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2))
  expect(cond()).toBe(true)
}

describe('ClonePool', () => {
  it('fills to its size in the background with FILE_COPY clones of the template', async () => {
    const { admin, log } = recorder()
    const pool = new ClonePool({ admin, template: 'tpl', prefix: 'p_', size: 3, fileCopy: true })
    pool.warm()
    await until(() => pool.readyCount === 3)
    expect(log).toEqual([1, 2, 3].map((n) => `CREATE DATABASE "p_${n}" TEMPLATE "tpl" STRATEGY FILE_COPY`))
    const name = await pool.acquire()
    expect(name).toBe('p_1')
    await until(() => pool.readyCount === 3)
    await pool.close({ drop: 'none' })
  })

  it('serves waiters first and drops released databases only when the pool is full', async () => {
    const { admin, log } = recorder(2)
    const pool = new ClonePool({ admin, template: 'tpl', prefix: 'p_', size: 1, fileCopy: false })
    const [a, b] = await Promise.all([pool.acquire(), pool.acquire()])
    expect(new Set([a, b]).size).toBe(2)
    pool.release(a)
    pool.release(a) // twice is once
    await until(() => log.some((l) => l.startsWith('DROP')))
    const createdBeforeDrop = log.findIndex((l) => l.startsWith('DROP'))
    // the refill came before the drop
    expect(log.slice(0, createdBeforeDrop).filter((l) => l.startsWith('CREATE'))).toHaveLength(3)
    expect(log.filter((l) => l === `DROP DATABASE IF EXISTS "${a}" WITH (FORCE)`)).toHaveLength(1)
    expect(log.some((l) => l.includes('STRATEGY'))).toBe(false)
    await pool.close({ drop: 'all' })
    expect(pool.liveCount).toBe(0)
  })

  it('hands a refill error to a waiter instead of spinning, and recovers on the next acquire', async () => {
    const { admin, failWith } = recorder()
    const pool = new ClonePool({ admin, template: 'tpl', prefix: 'p_', size: 0, fileCopy: true })
    failWith(new Error('server down'))
    await expect(pool.acquire()).rejects.toThrow('server down')
    failWith(undefined)
    await expect(pool.acquire()).resolves.toMatch(/^p_\d+$/)
    await pool.close({ drop: 'none' })
  })

  it('times out with a message that says what it waited for', async () => {
    const { admin } = recorder(200)
    const pool = new ClonePool({ admin, template: 'tpl', prefix: 'p_', size: 0, fileCopy: true })
    await expect(pool.acquire(20)).rejects.toThrow(/a clone of template database 'tpl'/)
    await pool.close({ drop: 'none' })
  })
})
