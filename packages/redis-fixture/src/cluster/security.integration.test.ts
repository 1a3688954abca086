// What another local user can reach in a cluster: every node's port wants the cluster's per-run password,
// which only env(), urls, clientOptions() and the handle's clients carry. As root, every node runs as the
// unprivileged user.
import { unprivilegedUser } from '@infra/fixture-core'
import { Cluster, Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processUid, rawCommand } from '../test-support/unauthenticated.js'
import type { RedisCluster } from './cluster.js'
import { startRedisCluster } from './start.js'

let cluster: RedisCluster
beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 })
})
afterAll(async () => {
  await cluster?.stop()
})

describe('a cluster is not open to every local user', () => {
  it('each node refuses an unauthenticated connection (NOAUTH), cluster commands included', async () => {
    expect(cluster.nodes).toHaveLength(3)
    for (const node of cluster.nodes) {
      expect(await rawCommand(node.port, 'GET k')).toMatch(/^-NOAUTH/)
      expect(await rawCommand(node.port, 'CLUSTER NODES')).toMatch(/^-NOAUTH/)
      expect(await rawCommand(node.port, 'CLUSTER RESET HARD')).toMatch(/^-NOAUTH/)
    }
  })

  it('the password is random per cluster and carried in env(), urls, clientOptions() and client()', async () => {
    expect(cluster.password).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    expect(cluster.env().REDIS_PASSWORD).toBe(cluster.password)
    expect(cluster.urls.map((u) => new URL(u).password)).toEqual(cluster.nodes.map(() => cluster.password))
    expect(cluster.clientOptions().redisOptions?.password).toBe(cluster.password)
    expect(await cluster.client().set('{a}k', 'v')).toBe('OK')
    const own = new Cluster(cluster.startupNodes, cluster.clientOptions())
    const plain = new Redis(cluster.urls[0]!)
    try {
      expect(await own.get('{a}k')).toBe('v')
      expect(await plain.ping()).toBe('PONG')
    } finally {
      own.disconnect()
      plain.disconnect()
    }
  })

  it.runIf(process.getuid?.() === 0)('as root, every node runs as the unprivileged user', () => {
    const uid = unprivilegedUser()!.uid
    expect(uid).not.toBe(0)
    expect(cluster.pids).toHaveLength(3)
    for (const pid of cluster.pids) expect(processUid(pid)).toBe(uid)
  })
})
