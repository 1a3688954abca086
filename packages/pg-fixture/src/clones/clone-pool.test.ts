import { describe, expect, it } from 'vitest'
import type { AdminConnection } from '../connection/admin-connection.js'
import { ClonePool, type ClonePoolOptions } from './clone-pool.js'

const MB = 2 ** 20

/** Records the SQL the pool sends on any of its connections; each statement takes `delayMs`. Answers the
 * sizing, fingerprint and reuse queries with `answers`. (The scheduling is under test here; the integration
 * tests run the same pool against real servers.) */
function recorder(delayMs = 1) {
  const log: string[] = []
  let fail: Error | undefined
  let inFlight = 0
  const state = {
    maxCreatesInFlight: 0,
    templateBytes: 10 * MB,
    clean: true,
    connections: 1,
    refuseLanes: false,
  }
  const conn = (lane = false) => {
    const query = async (sql: string) => {
      if (lane && state.refuseLanes && sql === 'SELECT 1') {
        throw Object.assign(new Error('sorry, too many clients already'), { code: '53300' })
      }
      const isCreate = sql.startsWith('CREATE')
      if (isCreate) state.maxCreatesInFlight = Math.max(state.maxCreatesInFlight, ++inFlight)
      await new Promise((r) => setTimeout(r, delayMs))
      if (isCreate) inFlight--
      if (fail) throw fail
      if (sql.startsWith('SELECT pg_database_size')) return { rows: [{ n: String(state.templateBytes) }] }
      if (sql.includes('AS row')) return { rows: [{ row: '{"oid": 1}', epoch: 'e' }] }
      if (sql.includes('AS used')) return { rows: [{ used: !state.clean }] }
      if (sql.startsWith('DO $reuse$')) {
        // the reuse transaction: renamed when clean (the names are the format() arguments)
        const [, from, to] = /RENAME TO %I', E'(p_\d+)', E'(p_\d+)'/.exec(sql)!
        if (state.clean) log.push(`ALTER DATABASE "${from}" RENAME TO "${to}"`)
        return [{ rows: [] }, { rows: [{ clean: state.clean }] }]
      }
      log.push(sql)
      return { rows: [], rowCount: 0 }
    }
    return {
      query,
      session: (fn: (c: unknown) => Promise<unknown>) => fn({ query }),
      reset: () => {},
      close: async () => {},
    } as unknown as AdminConnection
  }
  const connect = () => {
    state.connections++
    return conn(true)
  }
  return { admin: conn(), connect, log, state, failWith: (e: Error | undefined) => (fail = e) }
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2))
  expect(cond()).toBe(true)
}

type Rec = ReturnType<typeof recorder>
const pool = (r: Rec, o: Partial<ClonePoolOptions>) =>
  new ClonePool({ admin: r.admin, template: 'tpl', prefix: 'p_', size: 3, fileCopy: true, ...o })
const creates = (log: string[]) => log.filter((l) => l.startsWith('CREATE'))
const drops = (log: string[]) => log.filter((l) => l.startsWith('DROP'))

describe('ClonePool', () => {
  it('fills to its size in the background with FILE_COPY clones of the template', async () => {
    const r = recorder()
    const p = pool(r, {})
    p.warm()
    await until(() => p.readyCount === 3)
    expect(r.log).toEqual([1, 2, 3].map((n) => `CREATE DATABASE "p_${n}" TEMPLATE "tpl" STRATEGY FILE_COPY`))
    expect(await p.acquire()).toBe('p_1')
    await until(() => p.readyCount === 3)
    await p.close({ drop: 'none' })
  })

  it('serves waiters first and drops released databases only when the pool is full', async () => {
    const r = recorder(2)
    const p = pool(r, { size: 1, fileCopy: false })
    const [a, b] = await Promise.all([p.acquire(), p.acquire()])
    expect(new Set([a, b]).size).toBe(2)
    p.release(a)
    p.release(a) // twice is once
    await until(() => drops(r.log).length > 0)
    // the refill came before the drop
    expect(
      creates(
        r.log.slice(
          0,
          r.log.findIndex((l) => l.startsWith('DROP')),
        ),
      ),
    ).toHaveLength(3)
    expect(r.log.filter((l) => l === `DROP DATABASE IF EXISTS "${a}" WITH (FORCE)`)).toHaveLength(1)
    expect(r.log.some((l) => l.includes('STRATEGY'))).toBe(false)
    await p.close({ drop: 'all' })
    expect(p.liveCount).toBe(0)
  })

  it('hands a refill error to a waiter instead of spinning, and recovers on the next acquire', async () => {
    const r = recorder()
    const p = pool(r, { size: 0 })
    r.failWith(Object.assign(new Error('no space left'), { code: '53100' }))
    await expect(p.acquire()).rejects.toThrow('no space left')
    r.failWith(undefined)
    await expect(p.acquire()).resolves.toMatch(/^p_\d+$/)
    await p.close({ drop: 'none' })
  })

  it('times out with a message that says what it waited for', async () => {
    const r = recorder(200)
    const p = pool(r, { size: 0 })
    await expect(p.acquire(20)).rejects.toThrow(/a clone of template database 'tpl'/)
    await p.close({ drop: 'none' })
  })

  it('refills one at a time while half the pool is ready, in parallel when tests wait', async () => {
    const r = recorder(5)
    const p = pool(r, { size: 4, connect: r.connect, maxParallel: 3 })
    p.warm()
    await until(() => p.readyCount === 4)
    // empty pool: what is missing in parallel (new lanes open one at a time)
    expect(r.state.maxCreatesInFlight).toBeGreaterThanOrEqual(2)
    r.state.maxCreatesInFlight = 0
    await p.acquire() // 3 of 4 ready: a background refill, one at a time
    await until(() => p.readyCount === 4)
    expect(r.state.maxCreatesInFlight).toBe(1)
    r.state.maxCreatesInFlight = 0
    // a burst: 4 ready, 12 asked for at once → waiters, so parallel again, bounded by the lanes
    const burst = await Promise.all(Array.from({ length: 12 }, () => p.acquire()))
    expect(new Set(burst).size).toBe(12)
    expect(r.state.maxCreatesInFlight).toBe(3)
    expect(r.state.connections).toBe(3) // never more lanes than maxParallel (the admin one included)
    await p.close({ drop: 'none' })
  })

  it('keeps to the connections it has when the server refuses more (max_connections)', async () => {
    const r = recorder(3)
    r.state.refuseLanes = true
    const errors: unknown[] = []
    const p = pool(r, {
      size: 0,
      connect: r.connect,
      onError: (what, err) => errors.push([what, (err as { code: string }).code]),
    })
    const got = await Promise.all(Array.from({ length: 5 }, () => p.acquire(5_000)))
    expect(new Set(got).size).toBe(5)
    expect(errors).toEqual([['connect', '53300']]) // tried once, then stayed on the admin connection
    expect(r.state.maxCreatesInFlight).toBe(1)
    await p.close({ drop: 'none' })
  })

  it('caps live clones by template size and free space, and drops before it makes more', async () => {
    const r = recorder()
    r.state.templateBytes = 100 * MB
    const sizes: unknown[] = []
    // 450 MB free: half of it holds 2 clones of 100 MB → 2 live at most, 1 ready
    const p = pool(r, {
      size: 5,
      connect: r.connect,
      freeBytes: () => 450 * MB,
      onSizing: (s) => sizes.push(s),
    })
    p.warm()
    await until(() => p.readyCount === 1)
    expect(sizes).toEqual([expect.objectContaining({ size: 1, maxLive: 2 })])
    const a = await p.acquire()
    await until(() => p.readyCount === 1)
    expect(p.liveCount).toBe(2)
    p.release(a)
    const b = await p.acquire()
    await until(() => drops(r.log).length === 1 && p.readyCount === 1)
    // the dropped one made room: never more than 2 live
    expect(p.liveCount).toBe(2)
    // a test that holds every live clone still gets one more (nothing could be freed)
    const c = await p.acquire()
    const [d, e] = await Promise.all([p.acquire(2_000), p.acquire(2_000)])
    expect(new Set([b, c, d, e]).size).toBe(4)
    expect(p.readyCount).toBe(0) // and none is kept ready beyond the cap
    await p.close({ drop: 'all' })
    expect(p.liveCount).toBe(0)
  })

  it('keeps the requested size when the template size cannot be read, and says so', async () => {
    const r = recorder()
    const errors: string[] = []
    const sizes: { size: number; reason: string }[] = []
    const p = pool(r, {
      size: 2,
      freeBytes: () => 64 * MB,
      onSizing: (s) => sizes.push(s),
      onError: (what) => errors.push(what),
    })
    r.failWith(Object.assign(new Error('server starting up'), { code: '57P03' }))
    p.warm()
    await until(() => sizes.length === 1)
    expect(errors[0]).toBe('sizing')
    expect(sizes[0]).toMatchObject({ size: 2, reason: expect.stringMatching(/unknown/) })
    r.failWith(undefined)
    await expect(p.acquire()).resolves.toMatch(/^p_\d+$/)
    await p.close({ drop: 'none' })
  })

  it('hands an untouched database out again under a new name, and drops a touched one', async () => {
    const r = recorder()
    const p = pool(r, { size: 1, reuse: true })
    const a = await p.acquire()
    await until(() => p.readyCount === 1)
    const before = creates(r.log).length
    p.release(a)
    await until(() => p.readyCount === 2) // the ready one and the one given back
    expect(r.log).toContain(`ALTER DATABASE "${a}" RENAME TO "p_3"`)
    expect(await p.acquire()).toBe('p_2')
    const again = await p.acquire()
    expect(again).toBe('p_3')
    r.state.clean = false
    p.release(again)
    await until(() => drops(r.log).length === 1)
    // found touched: not renamed, dropped
    expect(r.log.filter((l) => l.startsWith('ALTER'))).toHaveLength(1)
    expect(drops(r.log)).toEqual([`DROP DATABASE IF EXISTS "${again}" WITH (FORCE)`])
    expect(creates(r.log).length).toBeGreaterThan(before)
    expect(p.names).not.toContain(again)
    await p.close({ drop: 'all' })
  })
})
