// Seed 001 §5, network partition: the service reaches etcd and Redis through Toxiproxy links. A partition
// (blackhole: data held, like dropped packets; refuse: connections cut) is detected by the service's own
// deadlines; requests fail gracefully with HTTP 503 naming the dependency and the reason, never a hang; the
// errors are reported; after heal() the same service instance recovers without a restart.
import { type Etcd, startEtcd } from '@infra/etcd-fixture'
import { mysqlFixtures } from '@infra/mysql-fixture/vitest'
import { redisFixtures } from '@infra/redis-fixture/vitest'
import { startToxiproxy, type Toxiproxy } from '@infra/toxiproxy-fixture'
import { afterAll, test as base, beforeAll, describe, expect } from 'vitest'
import { ChatService, type DependencyUnavailableError } from '../src/index.js'
import { api } from './support/chat-client.js'
import { waitUntil } from './support/wait.js'

let toxiproxy: Toxiproxy
let etcd: Etcd

beforeAll(async () => {
  ;[toxiproxy, etcd] = await Promise.all([startToxiproxy(), startEtcd({ nodes: 1, provider: 'local' })])
})
afterAll(async () => {
  await Promise.all([toxiproxy?.stop(), etcd?.stop()])
})

const test = base
  .extend(mysqlFixtures)
  .extend(redisFixtures)
  .extend({
    /** A service whose etcd and Redis traffic runs through this test's own links. */
    app: async (
      { db, redis }: { db: { url: string }; redis: { url: string } },
      use: (value: {
        service: ChatService
        reported: DependencyUnavailableError[]
        scope: Awaited<ReturnType<Toxiproxy['isolated']>>
      }) => Promise<void>,
    ) => {
      const scope = await toxiproxy.isolated()
      const etcdLink = await scope.proxy(etcd.endpoints[0]?.replace('http://', '') as string, 'etcd')
      const redisLink = await scope.proxy(redis.url, 'redis')
      const prefix = `partition-${Math.random().toString(16).slice(2)}/`
      const reported: DependencyUnavailableError[] = []
      const service = await new ChatService({
        mysqlUrl: db.url,
        kafka: { brokers: ['127.0.0.1:9'], topic: 'unused' }, // not reached: no message gets past Redis here
        redis: { url: redisLink.url },
        etcd: { endpoints: [`http://${etcdLink.host}:${etcdLink.port}`], prefix },
        worker: false,
        etcdTimeoutMs: 1_000,
        presence: { timeoutMs: 1_000, rateWindowMs: 60_000 },
        onError: (error) => reported.push(error),
      }).start()
      await etcd
        .client()
        .put(`${prefix}config/fanout`)
        .value(JSON.stringify({ deliver: true }))
      try {
        await use({ service, reported, scope })
      } finally {
        await service.stop()
        await scope.release()
      }
    },
  })

describe('network partition between the service and etcd / Redis', () => {
  test('etcd blackholed: /config answers 503 with the reason within the deadline, reported; heal() recovers', async ({
    app: { service, reported, scope },
  }) => {
    expect((await api(service.url, 'GET', '/config')).status).toBe(200)
    await scope.partition(['client'], ['etcd'], { mode: 'blackhole' })
    const cut = await api(service.url, 'GET', '/config')
    expect(cut.status).toBe(503)
    expect(cut.body.error).toMatchObject({ code: 'dependency_unavailable', dependency: 'etcd' })
    expect(cut.body.error.reason).toMatch(/config read (timed out after 1000 ms|failed)/)
    expect(reported.some((e) => e.dependency === 'etcd')).toBe(true)
    expect(service.errors.some((e) => e.dependency === 'etcd')).toBe(true)
    // Redis is unaffected meanwhile
    expect((await api(service.url, 'POST', '/presence/alice')).status).toBe(200)

    await scope.heal()
    const back = await waitUntil('/config to answer again after heal()', async () => {
      const r = await api(service.url, 'GET', '/config')
      return r.status === 200 ? r : undefined
    })
    expect(back.body.config).toEqual({ deliver: true })
  })

  test('Redis blackholed: presence and sends answer 503 naming Redis, never hang; heal() recovers', async ({
    app: { service, reported, scope },
  }) => {
    expect((await api(service.url, 'POST', '/presence/bob')).status).toBe(200)
    await scope.partition(['client'], ['redis'], { mode: 'blackhole' })
    const presence = await api(service.url, 'POST', '/presence/bob')
    expect(presence.status).toBe(503)
    expect(presence.body.error).toMatchObject({ dependency: 'redis' })
    expect(presence.body.error.reason).toMatch(/presence heartbeat/)
    const send = await api(service.url, 'POST', '/conversations/c1/messages', { userId: 'bob', text: 'hi' })
    expect(send.status).toBe(503)
    expect(send.body.error).toMatchObject({ code: 'dependency_unavailable', dependency: 'redis' })
    expect(reported.filter((e) => e.dependency === 'redis').length).toBeGreaterThanOrEqual(2)
    // nothing was persisted for the refused send
    expect((await api(service.url, 'GET', '/conversations/c1/messages')).body.messages).toEqual([])

    await scope.heal()
    await waitUntil('presence writes to work again after heal()', async () => {
      return (await api(service.url, 'POST', '/presence/bob')).status === 200
    })
    expect((await api(service.url, 'GET', '/presence/bob')).body.online).toBe(true)
  })

  test('connections refused (link down): /health is 503 and names each failing dependency; back after heal()', async ({
    app: { service, scope },
  }) => {
    expect((await api(service.url, 'GET', '/health')).body).toEqual({
      status: 'ok',
      dependencies: { mysql: 'ok', redis: 'ok', etcd: 'ok' },
    })
    await scope.partition(['client'], ['etcd', 'redis'], { mode: 'refuse' })
    const health = await api(service.url, 'GET', '/health')
    expect(health.status).toBe(503)
    expect(health.body.status).toBe('unavailable')
    expect(health.body.dependencies.mysql).toBe('ok')
    expect(health.body.dependencies.redis).not.toBe('ok')
    expect(health.body.dependencies.etcd).not.toBe('ok')
    await scope.heal()
    await waitUntil(
      '/health to be ok again',
      async () => (await api(service.url, 'GET', '/health')).status === 200,
    )
  })

  test('without a partition: bad input is a 400 and a user over the Redis rate limit a 429, nothing persisted', async ({
    app: { service },
  }) => {
    const bad = await api(service.url, 'POST', '/conversations/c2/messages', { userId: 'dan' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.code).toBe('bad_request')
    // this service allows 20 messages a minute per user: spend them, the next send is refused by Redis
    const limit = service.presence.settings.rateLimit
    for (let i = 0; i < limit; i++) expect(await service.presence.allowMessage('dan')).toBe(true)
    const limited = await api(service.url, 'POST', '/conversations/c2/messages', { userId: 'dan', text: 'x' })
    expect(limited.status).toBe(429)
    expect(limited.body.error.code).toBe('rate_limited')
    expect((await api(service.url, 'GET', '/conversations/c2/messages')).body.messages).toEqual([])
  })

  test('a slow link within the deadline is not an error; beyond it, it is', async ({
    app: { service, scope },
  }) => {
    const redisLink = scope.link('redis')
    const slow = await redisLink.latency(100)
    expect((await api(service.url, 'POST', '/presence/carol')).status).toBe(200)
    await slow.remove()
    const slower = await redisLink.latency(3_000)
    const r = await api(service.url, 'POST', '/presence/carol')
    expect(r.status).toBe(503)
    expect(r.body.error.reason).toMatch(/timed out/)
    await slower.remove()
    await waitUntil(
      'presence to work without latency',
      async () => (await api(service.url, 'POST', '/presence/carol')).status === 200,
    )
  })
})
