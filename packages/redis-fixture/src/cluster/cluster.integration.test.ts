import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { FixtureStateError } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { redisCliBinary } from '../node/binaries.js'
import type { RedisCluster } from './cluster.js'
import { CLUSTER_SLOTS, splitSlots, startRedisCluster } from './start.js'

describe('startRedisCluster', () => {
  let cluster: RedisCluster
  beforeAll(async () => {
    cluster = await startRedisCluster({ masters: 3, replicasPerMaster: 1 })
  })
  afterAll(async () => {
    await cluster?.stop()
  })

  it('has the fixture shape: env() for other processes, isolated() key-prefix namespaces on every master', async () => {
    expect(cluster.service).toBe('redis-cluster')
    expect(cluster.env()).toEqual({
      REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `${n.host}:${n.port}`).join(','),
      REDIS_PASSWORD: cluster.password,
    })
    const plain = cluster.client()
    await plain.set('not-mine', '1')
    const ns = await cluster.isolated()
    const keys = Array.from({ length: 20 }, (_, i) => `user:${i}`)
    // no hash tag: the namespace's keys spread over the masters like any others
    for (const k of keys) await ns.client().set(k, 'x')
    const slots = new Set(await Promise.all(keys.map((k) => plain.cluster('KEYSLOT', ns.key(k)))))
    expect(slots.size).toBeGreaterThan(1)
    expect(await ns.keys('user:*')).toEqual([...keys].sort())
    await ns.release()
    for (const k of keys) expect(await plain.exists(ns.key(k))).toBe(0)
    expect(await plain.get('not-mine')).toBe('1')
    await plain.del('not-mine')
  })

  it('covers all 16384 slots, each master with one replica', async () => {
    expect(cluster.nodes).toHaveLength(6)
    expect(cluster.masters).toHaveLength(3)
    const ranges = (await cluster.slots()).sort((a, b) => a.first - b.first)
    let next = 0
    for (const r of ranges) {
      expect(r.first).toBe(next)
      expect(r.replicas).toHaveLength(1)
      next = r.last + 1
    }
    expect(next).toBe(CLUSTER_SLOTS)
    expect(ranges.map((r) => [r.first, r.last])).toEqual(splitSlots(3))
    for (const node of cluster.nodes) {
      const info = (await cluster.nodeClient(node).call('CLUSTER', 'INFO')) as string
      expect(info).toMatch(/cluster_state:ok/)
      expect(info).toMatch(/cluster_slots_ok:16384/)
    }
  })

  it('redis-cli --cluster check agrees', async () => {
    const { stdout } = await promisify(execFile)(redisCliBinary(), [
      '-a',
      cluster.password,
      '--no-auth-warning',
      '--cluster',
      'check',
      `127.0.0.1:${cluster.nodes[0]!.port}`,
    ])
    expect(stdout).toMatch(/\[OK\] All nodes agree about slots configuration/)
    expect(stdout).toMatch(/\[OK\] All 16384 slots covered/)
  })

  it('the cluster client reads and writes keys on every master', async () => {
    const client = cluster.client()
    const keys = Array.from({ length: 200 }, (_, i) => `key:${i}`)
    for (const k of keys) await client.set(k, k)
    for (const k of keys) expect(await client.get(k)).toBe(k)
    const perMaster = await Promise.all(cluster.masters.map((m) => cluster.nodeClient(m).dbsize()))
    expect(perMaster.every((n) => n > 0)).toBe(true)
    expect(perMaster.reduce((a, b) => a + b, 0)).toBe(keys.length)
    // hash tags keep related keys on one slot, so multi-key commands work
    await client.mset('{user:1}:name', 'ada', '{user:1}:mail', 'ada@example.com')
    expect(await client.mget('{user:1}:name', '{user:1}:mail')).toEqual(['ada', 'ada@example.com'])
  })
})

describe('a cluster as one fixture', () => {
  it('restart() brings every node back with its slots; after stop() only stop() works', async () => {
    const cluster = await startRedisCluster({ masters: 3 })
    try {
      await cluster.client().set('{k}survives', 'no persistence: gone, but the slots stay')
      await cluster.restart()
      expect((await cluster.slots()).length).toBe(3)
      expect(await cluster.client().set('{k}after', '1')).toBe('OK')
    } finally {
      await cluster.stop()
    }
    await expect(cluster.isolated()).rejects.toThrow(FixtureStateError)
    await expect(cluster.restart()).rejects.toThrow(FixtureStateError)
  })
})
