import { type RedisServer, startRedis } from '@infra/redis-fixture'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startToxiproxy, type Toxiproxy } from '../index.js'

let toxiproxy: Toxiproxy
let redis: RedisServer

beforeAll(async () => {
  ;[toxiproxy, redis] = await Promise.all([startToxiproxy(), startRedis()])
})
afterAll(async () => {
  await Promise.all([toxiproxy?.stop(), redis?.stop()])
})

function client(url: string, extra: object = {}): Redis {
  // fail fast instead of queueing: the test wants the client's own errors
  return new Redis(url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, ...extra })
}

async function timedGet(c: Redis): Promise<number> {
  const start = performance.now()
  await c.get('k')
  return performance.now() - start
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

describe('a link in front of a real Redis', () => {
  it('hands out a URL the client uses unchanged, and latency slows a real GET', async () => {
    await using scope = await toxiproxy.isolated()
    const link = await scope.proxy(redis)
    expect(link.url).toBe(redis.url.replace(`:${redis.port}`, `:${link.port}`))
    const c = client(link.url)
    try {
      await c.connect()
      await c.set('k', 'v')
      const direct: number[] = []
      for (let i = 0; i < 5; i++) direct.push(await timedGet(c))
      const toxic = await link.latency(200)
      expect(await timedGet(c)).toBeGreaterThanOrEqual(200)
      await toxic.remove()
      const after: number[] = []
      for (let i = 0; i < 5; i++) after.push(await timedGet(c))
      // back to the direct figure: well below the 200 ms the toxic added (generous: the machine may be loaded)
      expect(median(after)).toBeLessThan(Math.max(150, median(direct) + 100))
      expect(link.toxics).toEqual([])
    } finally {
      c.disconnect()
    }
  })

  it('timeout() makes ioredis raise its own command timeout', async () => {
    await using scope = await toxiproxy.isolated()
    const link = await scope.proxy(redis)
    const c = client(link.url, { commandTimeout: 300 })
    try {
      await c.connect()
      await c.set('k', 'v')
      await link.timeout(0)
      await expect(c.get('k')).rejects.toThrow(/Command timed out/)
      await link.clear()
    } finally {
      c.disconnect()
    }
  })

  it('down() resets and refuses connections; up() recovers on the same address without a restart', async () => {
    await using scope = await toxiproxy.isolated()
    const link = await scope.proxy(redis)
    const pid = redis.pid
    const c = client(link.url, { retryStrategy: () => null })
    c.on('error', () => {})
    await c.connect()
    await c.set('k', 'v')
    await link.down()
    expect(link.enabled).toBe(false)
    await expect(c.get('k')).rejects.toThrow()
    const fresh = client(link.url, { retryStrategy: () => null })
    fresh.on('error', () => {})
    await expect(fresh.connect()).rejects.toThrow(/ECONNREFUSED|Connection is closed/)
    fresh.disconnect()
    c.disconnect()
    await link.up()
    const again = client(link.url)
    try {
      await again.connect()
      expect(await again.get('k')).toBe('v')
      expect(redis.pid).toBe(pid)
    } finally {
      again.disconnect()
    }
  })

  it('partition() cuts the links between two groups and heal() restores them', async () => {
    await using scope = await toxiproxy.isolated()
    const a = await scope.proxy(redis, { name: 'app-cache', from: 'app', to: 'cache' })
    const b = await scope.proxy(redis, { name: 'worker-cache', from: 'worker', to: 'cache' })
    const cut = await scope.partition(['app'], ['cache'])
    expect(cut.map((l) => l.name)).toEqual(['app-cache'])
    expect([a.enabled, b.enabled]).toEqual([false, true])
    await scope.heal()
    expect(a.enabled).toBe(true)
    const black = await scope.partition(['app', 'worker'], ['cache'], { mode: 'blackhole' })
    expect(black).toHaveLength(2)
    expect(a.toxics.map((t) => t.type)).toEqual(['timeout'])
    await scope.reset()
    expect([a.toxics, b.toxics]).toEqual([[], []])
  })

  it('checks proxy() options: an unknown key or a taken name throws before anything changes', async () => {
    await using scope = await toxiproxy.isolated()
    await expect(scope.proxy(redis, { nam: 'x' } as never)).rejects.toThrow(/did you mean 'name'/i)
    await scope.proxy(redis, 'one')
    await expect(scope.proxy(redis, 'one')).rejects.toThrow(/exists already/)
    expect(scope.links).toHaveLength(1)
  })

  it('a released scope deletes its links from the server', async () => {
    const scope = await toxiproxy.isolated()
    const link = await scope.proxy(redis, 'temp')
    await link.latency(10)
    expect(Object.keys(await toxiproxy.api.proxies())).toContain(link.proxyName)
    await scope.release()
    expect(Object.keys(await toxiproxy.api.proxies())).not.toContain(link.proxyName)
    await expect(link.latency(5)).rejects.toThrow(/stopped/)
  })
})
