import { setTimeout as sleep } from 'node:timers/promises'
import { FixtureStateError, isPidAlive, UnsupportedOperationError, withTimeout } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RedisServer } from './redis-server.js'
import { connectRedis, startRedis } from './start.js'

describe('startRedis (local)', () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it('answers on 127.0.0.1 with a real PING and exposes url/port/pid', async () => {
    expect(redis.url).toBe(`redis://:${redis.password}@127.0.0.1:${redis.port}`) // per-run password
    expect(redis.service).toBe('redis')
    expect(redis.provider).toBe('local')
    expect(redis.env()).toEqual({ REDIS_URL: redis.url })
    expect(redis.pid).toBeGreaterThan(0)
    const c = redis.client()
    expect(await c.ping()).toBe('PONG')
    expect((await redis.info('server')).tcp_port).toBe(String(redis.port))
  })

  it('expires keys with a TTL (presence)', async () => {
    await using ns = await redis.isolated()
    const c = ns.client()
    await c.set('presence:user:1', 'online', 'PX', 150)
    expect(await c.get('presence:user:1')).toBe('online')
    const deadline = Date.now() + 10_000
    while ((await c.exists('presence:user:1')) === 1 && Date.now() < deadline) await sleep(25)
    expect(await c.exists('presence:user:1')).toBe(0)
  })

  it('keeps set semantics (participants)', async () => {
    await using ns = await redis.isolated()
    const c = ns.client()
    await c.sadd('room:1:participants', 'alice', 'bob', 'alice')
    expect(await c.scard('room:1:participants')).toBe(2)
    expect(await c.sismember('room:1:participants', 'bob')).toBe(1)
    await c.srem('room:1:participants', 'bob')
    expect(await c.smembers('room:1:participants')).toEqual(['alice'])
  })

  it('fans out pub/sub on a namespaced channel', async () => {
    await using ns = await redis.isolated()
    const channel = ns.channel('broadcast')
    const subs = [ns.client(), ns.client()]
    const received: string[][] = [[], []]
    await Promise.all(subs.map((s) => s.subscribe(channel)))
    for (const [i, s] of subs.entries()) s.on('message', (_ch, msg) => received[i]!.push(msg))
    const pub = ns.client()
    expect(await pub.publish(channel, 'hello')).toBe(2)
    const deadline = Date.now() + 5_000
    while (received.some((r) => r.length === 0) && Date.now() < deadline) await sleep(10)
    expect(received).toEqual([['hello'], ['hello']])
  })

  it('isolates tests by DB and flushes the DB on release', async () => {
    const a = await redis.isolated()
    const b = await redis.isolated()
    expect(a.db).not.toBe(b.db)
    expect(a.db).toBeGreaterThan(0)
    await a.client().set('same-key', 'a')
    await b.client().set('same-key', 'b')
    expect(await a.client().get('same-key')).toBe('a')
    expect(await b.client().get('same-key')).toBe('b')
    expect(await redis.client().exists('same-key')).toBe(0)
    const db = a.db
    await a.release()
    await a.release() // idempotent
    const probe = redis.client({ db })
    expect(await probe.dbsize()).toBe(0)
    expect(await b.client().get('same-key')).toBe('b')
    await b.release()
    expect(() => a.client()).toThrow(/released/)
  })

  it('shares one DB pool between handles (parallel workers never get the same DB)', async () => {
    const other = connectRedis(redis.connectionInfo)
    // a handle on a shared server reports that server's provider, and cannot disturb it
    expect(other.provider).toBe('local')
    expect(other.attached).toBe(true)
    await expect(other.kill()).rejects.toThrow(/shared by every worker/)
    try {
      const leases = await Promise.all([
        ...Array.from({ length: 10 }, () => redis.isolated()),
        ...Array.from({ length: 10 }, () => other.isolated()),
      ])
      expect(new Set(leases.map((l) => l.db)).size).toBe(20)
      await Promise.all(leases.map((l) => l.release()))
    } finally {
      await other.stop()
    }
    expect(await redis.client().ping()).toBe('PONG') // the attached handle never stops the server
  })

  it('isolates by key prefix on demand and deletes only its own keys', async () => {
    const admin = redis.client()
    await admin.set('not-mine', '1')
    const ns = await redis.isolated({ mode: 'prefix' })
    expect(ns.prefix).toMatch(/^infra:[0-9a-f]+:$/)
    await ns.client().set('k', 'v')
    expect(await admin.get(ns.key('k'))).toBe('v')
    await ns.release()
    expect(await admin.exists(ns.key('k'))).toBe(0)
    expect(await admin.get('not-mine')).toBe('1')
  })

  it('lists client connections for leak checks', async () => {
    const before = (await redis.clientList()).length
    const ns = await redis.isolated()
    const c = ns.client({ connectionName: 'leak-check' })
    await c.ping()
    const during = await redis.clientList()
    expect(during.find((x) => x.name === 'leak-check')?.db).toBe(ns.db)
    await ns.release()
    const deadline = Date.now() + 5_000
    while ((await redis.clientList()).length > before && Date.now() < deadline) await sleep(20)
    expect((await redis.clientList()).some((x) => x.name === 'leak-check')).toBe(false)
    expect(
      (await redis.clientList({ includeInternal: true })).some((x) => x.name.startsWith('infra-fixture-')),
    ).toBe(true)
  })

  it('CLIENT PAUSE stalls commands until it ends', async () => {
    const c = redis.client()
    await c.ping()
    await redis.clientPause(300, 'ALL')
    const t0 = Date.now()
    await c.set('after-pause', '1')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150)
    await redis.clientUnpause()
  })
})

describe('faults', () => {
  it('pause() hangs the server: clients time out; resume() recovers', async () => {
    await using redis = await startRedis()
    const c = redis.client({ commandTimeout: 200, maxRetriesPerRequest: 0 })
    await c.set('k', 'v')
    await redis.pause()
    await expect(c.get('k')).rejects.toThrow(/timed out/i)
    await redis.resume()
    const deadline = Date.now() + 10_000
    let value: string | null = null
    while (Date.now() < deadline) {
      try {
        value = await c.get('k')
        break
      } catch {
        await sleep(20)
      }
    }
    expect(value).toBe('v')
  })

  it('kill() crashes it (data gone without persistence); restart() brings it back on the same port', async () => {
    await using redis = await startRedis()
    const port = redis.port
    const pid = redis.pid!
    const c = redis.client()
    await c.set('k', 'v')
    const ns = await redis.isolated()
    await redis.kill()
    expect(isPidAlive(pid)).toBe(false)
    await expect(c.get('k')).rejects.toThrow()
    await redis.restart()
    expect(redis.port).toBe(port)
    expect(redis.pid).not.toBe(pid)
    expect(await c.get('k')).toBeNull()
    // the pool was rebuilt around the lease that is still out
    const others = await Promise.all(Array.from({ length: 5 }, () => redis.isolated()))
    expect(others.map((o) => o.db)).not.toContain(ns.db)
    await ns.release()
  })

  it('stop() is idempotent and works after a crash; nothing is left running', async () => {
    const redis = await startRedis()
    const pid = redis.pid!
    await redis.kill()
    await redis.stop()
    await redis.stop()
    expect(isPidAlive(pid)).toBe(false)
    // anything but stop() after stop() is a state error
    await expect(redis.restart()).rejects.toThrow(FixtureStateError)
    await expect(redis.isolated()).rejects.toThrow(/Cannot isolated\(\) the redis fixture: it is stopped/)
    await expect(redis.kill()).rejects.toThrow(FixtureStateError)
    expect(() => redis.client()).toThrow(FixtureStateError)
  })
})

describe('persistence', () => {
  for (const persistence of ['rdb', 'aof'] as const) {
    it(`${persistence}: restart() keeps the data`, async () => {
      await using redis = await startRedis({ persistence })
      const c = redis.client()
      await c.set('durable', persistence)
      await c.sadd('set', 'a', 'b')
      await redis.restart()
      expect(await c.get('durable')).toBe(persistence)
      expect(await c.scard('set')).toBe(2)
    })
  }

  it('aof with appendfsync always survives a SIGKILL', async () => {
    await using redis = await startRedis({ persistence: 'aof', appendfsync: 'always' })
    const c = redis.client()
    await c.incrby('counter', 42)
    await redis.kill()
    await redis.restart()
    expect(await c.get('counter')).toBe('42')
  })

  it('a namespace released after kill() gives its DB back at once; the restart flushes it before reuse', async () => {
    await using redis = await startRedis({ persistence: 'aof', appendfsync: 'always', databases: 4 })
    const ns = await redis.isolated()
    await ns.client().set('left-behind', '1')
    await redis.kill()
    await withTimeout(ns.release(), 5_000, 'ns.release() after kill()')
    await redis.restart()
    // databases 4: DBs 1 and 2 are the pool (0 is the default DB, 3 the bookkeeping); both come back empty
    const [a, b] = [await redis.isolated(), await redis.isolated()]
    expect([a.db, b.db].sort()).toEqual([1, 2])
    expect(await a.client().dbsize()).toBe(0)
    expect(await b.client().dbsize()).toBe(0)
    await Promise.all([a.release(), b.release()])
  })

  it('none: restart() starts empty', async () => {
    await using redis = await startRedis()
    const c = redis.client()
    await c.set('volatile', '1')
    await redis.restart()
    expect(await c.exists('volatile')).toBe(0)
  })
})

describe('security and limits', () => {
  it('password and ACL users', async () => {
    await using redis = await startRedis({
      password: 's3cret pass',
      users: [{ name: 'reader', password: 'r3ad', rules: '~* +@read' }],
    })
    expect(redis.url).toBe(`redis://:s3cret%20pass@127.0.0.1:${redis.port}`)
    expect(await redis.client().ping()).toBe('PONG')
    const anon = redis.client({ password: undefined, maxRetriesPerRequest: 0 })
    await expect(anon.get('x')).rejects.toThrow(/NOAUTH/)
    const reader = redis.client({ username: 'reader', password: 'r3ad', enableReadyCheck: false })
    expect(await reader.get('x')).toBeNull()
    await expect(reader.set('x', '1')).rejects.toThrow(/NOPERM/)
    await using ns = await redis.isolated()
    expect(await ns.client().set('k', 'v')).toBe('OK')
  })

  it('maxmemory with allkeys-lru evicts; noeviction refuses writes', async () => {
    await using lru = await startRedis({ maxmemory: '2mb', maxmemoryPolicy: 'allkeys-lru' })
    const c = lru.client()
    const big = 'x'.repeat(10_000)
    for (let i = 0; i < 600; i++) await c.set(`k${i}`, big)
    expect(await c.dbsize()).toBeLessThan(600)
    expect(Number((await lru.info('stats')).evicted_keys)).toBeGreaterThan(0)

    await using strict = await startRedis({ maxmemory: '2mb', maxmemoryPolicy: 'noeviction' })
    const s = strict.client()
    await expect(
      (async () => {
        for (let i = 0; i < 600; i++) await s.set(`k${i}`, big)
      })(),
    ).rejects.toThrow(/OOM/)
  })

  it('an exhausted DB pool fails with a finite, explanatory error', async () => {
    await using redis = await startRedis({ databases: 4 }) // DBs 1 and 2 are the pool
    const a = await redis.isolated()
    const b = await redis.isolated()
    const err = await redis.isolated({ timeoutMs: 200 }).catch((e: unknown) => e)
    expect((err as { code?: string }).code).toBe('POOL_EXHAUSTED')
    expect((err as Error).message).toMatch(/All 2 databases/)
    await a.release()
    const c = await redis.isolated()
    expect(c.db).toBe(a.db)
    await Promise.all([b.release(), c.release()])
  })

  it('maxclients makes connection pools run out', async () => {
    await using redis = await startRedis({ maxclients: 3 })
    const ok = [redis.client(), redis.client(), redis.client()]
    await Promise.all(ok.map((c) => c.ping()))
    const extra = redis.client({ maxRetriesPerRequest: 0, retryStrategy: () => null })
    await expect(extra.ping()).rejects.toThrow(/max number of clients|Connection is closed/i)
  })
})

describe('provider external', () => {
  it('isolates by key prefix, never flushes, and cannot inject faults', async () => {
    await using owner = await startRedis()
    const admin = owner.client()
    await admin.set('someone-elses', 'keep me')
    await using external = await startRedis({ provider: 'external', url: owner.url })
    expect(external.provider).toBe('external')
    expect(external.isolation).toBe('prefix')
    const ns = await external.isolated()
    expect(ns.mode).toBe('prefix')
    await ns.client().set('mine', '1')
    await ns.client().set('mine2', '2')
    await ns.release()
    expect(await admin.keys('*')).toEqual(['someone-elses'])
    await expect(external.isolated({ mode: 'db' })).rejects.toThrow(/never flushes/)
    await expect(external.kill()).rejects.toThrow(UnsupportedOperationError)
    await expect(external.clientPause(10)).rejects.toThrow(/not available on a external redis fixture/)
    expect(external.env()).toEqual({ REDIS_URL: owner.url })
    await external.stop()
    expect(await admin.get('someone-elses')).toBe('keep me')
  })

  it('picks INFRA_REDIS_URL from the environment', async () => {
    await using owner = await startRedis()
    const saved = process.env.INFRA_REDIS_URL
    process.env.INFRA_REDIS_URL = owner.url
    try {
      await using external = await startRedis()
      expect(external.provider).toBe('external')
      expect(await external.client().ping()).toBe('PONG')
    } finally {
      if (saved === undefined) delete process.env.INFRA_REDIS_URL
      else process.env.INFRA_REDIS_URL = saved
    }
  })

  it('fails with an actionable error when the external server is unreachable', async () => {
    await expect(
      startRedis({ provider: 'external', url: 'redis://127.0.0.1:1', startTimeoutMs: 3_000 }),
    ).rejects.toThrow(/Cannot reach the external Redis at 127.0.0.1:1/)
  })
})
