import { startRedis } from '@infra/redis-fixture'
import { Redis } from 'ioredis'
import { afterAll, describe, expect } from 'vitest'
import { test } from './vitest.js'

const redis = await startRedis()
afterAll(() => redis.stop())
let firstProxy = ''

describe('the vitest fixtures', () => {
  test('give a test its own links', async ({ toxiproxy, toxiproxyServer }) => {
    const link = await toxiproxy.proxy(redis)
    await link.latency(50)
    firstProxy = link.proxyName
    expect(Object.keys(await toxiproxyServer.api.proxies())).toContain(firstProxy)
  })

  test('and the next test starts clean: no links, no toxics', async ({ toxiproxy, toxiproxyServer }) => {
    expect(firstProxy).not.toBe('')
    expect(Object.keys(await toxiproxyServer.api.proxies())).not.toContain(firstProxy)
    const link = await toxiproxy.proxy(redis)
    expect(link.toxics).toEqual([])
    const c = new Redis(link.url, { lazyConnect: true })
    try {
      await c.connect()
      expect(await c.ping()).toBe('PONG')
    } finally {
      c.disconnect()
    }
  })
})
