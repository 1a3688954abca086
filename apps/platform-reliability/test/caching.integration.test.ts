// Module 2 — caching: a two-level read-through cache (memory → Redis Cluster → Postgres) in two app
// instances, on a real 3-master Redis Cluster with one replica each (@infra/redis-fixture startRedisCluster).
// Each test takes its own key prefix on the file's cluster; the failover test runs last and kills a master.
import { type RedisCluster, type RedisClusterNamespace, startRedisCluster } from '@infra/redis-fixture'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { type Account, AccountsRepository, CachedAccounts, TwoLevelCache } from '../src/index.js'
import { eventually, test } from './support/fixtures.js'

let cluster: RedisCluster

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000 })
}, 90_000)

afterAll(async () => {
  await cluster?.stop()
})

/** One app instance: its own Redis connections and memory, sharing the test's prefix and channel. */
async function instance(ns: RedisClusterNamespace, pool: pg.Pool, localTtlMs = 30_000) {
  const cache = new TwoLevelCache<Account>({
    redis: ns.client(),
    subscriber: ns.client(),
    channel: ns.channel('cache-invalidation'),
    localTtlMs,
  })
  await cache.start()
  return new CachedAccounts(new AccountsRepository(pool), cache)
}

async function withNamespace<T>(work: (ns: RedisClusterNamespace) => Promise<T>): Promise<T> {
  const ns = await cluster.isolated()
  try {
    return await work(ns)
  } finally {
    await ns.release()
  }
}

describe('hit and miss', () => {
  test('the first read misses and loads from Postgres, the next ones hit', async ({ pool }) => {
    await withNamespace(async (ns) => {
      const app = await instance(ns, pool)
      const account = await app.repo.create('ada', 10)
      expect(await app.get(account.id)).toEqual(account)
      expect(app.cache.metrics()).toMatchObject({ misses: 1, localHits: 0, remoteHits: 0 })
      expect(await app.get(account.id)).toEqual(account)
      expect(app.cache.metrics()).toMatchObject({ misses: 1, localHits: 1, hitRatio: 0.5 })
      // the value really is in the cluster, under the namespace's prefix
      expect(await ns.keys('account:*')).toEqual([CachedAccounts.key(account.id)])
      // an unknown id misses every time and caches nothing
      expect(await app.get(999_999)).toBeUndefined()
      expect(await app.get(999_999)).toBeUndefined()
      expect(app.cache.metrics().misses).toBe(3)
    })
  })

  test('a second instance is served from Redis, not from Postgres', async ({ pool }) => {
    await withNamespace(async (ns) => {
      const a = await instance(ns, pool)
      const b = await instance(ns, pool)
      const account = await a.repo.create('ada', 10)
      await a.get(account.id)
      await pool.query('UPDATE accounts SET balance = 99 WHERE id = $1', [account.id]) // behind the cache's back
      expect((await b.get(account.id))!.balance).toBe(10)
      expect(b.cache.metrics()).toMatchObject({ remoteHits: 1, misses: 0 })
    })
  })
})

describe('invalidation', () => {
  test('a write through the cache invalidates the key: the next read sees the new value', async ({
    pool,
  }) => {
    await withNamespace(async (ns) => {
      const app = await instance(ns, pool)
      const account = await app.repo.create('ada', 10)
      await app.get(account.id)
      await app.rename(account.id, 'grace')
      expect(await ns.keys('account:*')).toEqual([])
      expect((await app.get(account.id))!.owner).toBe('grace')
      expect(app.cache.metrics()).toMatchObject({ misses: 2, invalidationsSent: 1 })
    })
  })

  test('a write on instance A drops the key from instance B memory (pub/sub)', async ({ pool }) => {
    await withNamespace(async (ns) => {
      const a = await instance(ns, pool)
      const b = await instance(ns, pool)
      const account = await a.repo.create('ada', 10)
      await b.get(account.id)
      expect(b.cache.hasLocal(CachedAccounts.key(account.id))).toBe(true)
      await a.rename(account.id, 'grace')
      await eventually('instance B to drop the key', async () =>
        b.cache.hasLocal(CachedAccounts.key(account.id)) ? undefined : true,
      )
      expect(b.cache.metrics().invalidationsReceived).toBe(1)
      expect((await b.get(account.id))!.owner).toBe('grace')
      expect(a.cache.metrics().invalidationsReceived).toBe(0) // its own message is ignored
    })
  })
})

describe('read-heavy workload', () => {
  test('3,000 reads and 1% writes over 200 accounts on two instances: hit ratio above 90%', async ({
    pool,
  }) => {
    await withNamespace(async (ns) => {
      const apps = [await instance(ns, pool, 2_000), await instance(ns, pool, 2_000)]
      await pool.query(
        `INSERT INTO accounts (owner, balance) SELECT 'u' || g, 100 FROM generate_series(1, 200) g`,
      )
      const ids = (await pool.query<{ id: number }>('SELECT id::int FROM accounts ORDER BY id')).rows.map(
        (r) => r.id,
      )
      let seed = 11
      const rand = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31
        return seed / 2 ** 31
      }
      for (let i = 0; i < 3000; i++) {
        const app = apps[i % 2]!
        const id = ids[Math.floor(rand() ** 2 * ids.length)]! // skewed: low ids are hot
        if (rand() < 0.01) {
          await app.rename(id, `renamed-${i}`)
          continue
        }
        expect((await app.get(id))!.id).toBe(id)
      }
      const total = apps.map((a) => a.cache.metrics())
      const hits = total.reduce((n, m) => n + m.localHits + m.remoteHits, 0)
      const reads = hits + total.reduce((n, m) => n + m.misses, 0)
      expect(reads).toBeGreaterThan(2900)
      expect(hits / reads).toBeGreaterThan(0.9)
    })
  })
})

describe('failover', () => {
  test('killing the master that holds a key: reads keep working, then hit Redis again', async ({ pool }) => {
    await withNamespace(async (ns) => {
      const app = await instance(ns, pool, 1)
      const account = await app.repo.create('ada', 10)
      await app.get(account.id)
      const slotOwner = await ns.client().cluster('KEYSLOT', ns.key(CachedAccounts.key(account.id)))
      const master = cluster.masters.find(
        (m) => m.slots && m.slots[0] <= slotOwner && slotOwner <= m.slots[1],
      )!
      await master.process.kill()
      // every read still answers (from Redis, or from Postgres while the slot has no master)
      for (let i = 0; i < 20; i++) expect((await app.get(account.id))!.owner).toBe('ada')
      app.cache.resetMetrics()
      await eventually(
        'a replica to take over the slot and serve the key',
        async () => {
          await app.get(account.id)
          return app.cache.metrics().remoteHits > 0 ? true : undefined
        },
        30_000,
      )
      const replicaNow = await cluster.slots()
      expect(replicaNow.some((range) => range.master.port === master.port)).toBe(false)
    })
  }, 60_000)
})
