import { setTimeout as sleep } from 'node:timers/promises'
import { FixtureStateError, isPidAlive } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseInfo } from '../client/server-info.js'
import type { RedisSentinel } from './sentinel.js'
import { startRedisSentinel } from './start.js'

describe('startRedisSentinel', () => {
  let ha: RedisSentinel
  beforeAll(async () => {
    ha = await startRedisSentinel({ replicas: 2, sentinels: 3 })
  })
  afterAll(async () => {
    await ha?.stop()
  })

  it('has a master, in-sync replicas and 3 sentinels that know each other', async () => {
    expect(ha.masterName).toBe('mymaster')
    expect(ha.sentinels).toHaveLength(3)
    expect(ha.nodes).toHaveLength(3)
    const master = await ha.master()
    expect(master.port).toBe(ha.nodes[0]!.port)
    for (const node of ha.nodes.slice(1)) {
      const info = parseInfo(await ha.nodeClient(node).info('replication'))
      expect(info.role).toBe('slave')
      expect(info.master_link_status).toBe('up')
    }
  })

  it('has the fixture shape: env() for other processes, isolated() key-prefix namespaces', async () => {
    expect(ha.service).toBe('redis-sentinel')
    expect(ha.env()).toEqual({
      REDIS_SENTINELS: ha.sentinels.map((x) => `${x.host}:${x.port}`).join(','),
      REDIS_SENTINEL_MASTER: 'mymaster',
      REDIS_PASSWORD: ha.password,
      REDIS_SENTINEL_PASSWORD: ha.password,
    })
    const plain = ha.client()
    await plain.set('not-mine', '1')
    const ns = await ha.isolated()
    expect(ns.prefix).toMatch(/^infra:[0-9a-f]+:$/)
    await ns.client().mset('user:1', 'a', 'user:2', 'b')
    expect(await ns.keys('user:*')).toEqual(['user:1', 'user:2'])
    expect(await plain.get(ns.key('user:1'))).toBe('a')
    await ns.release()
    expect(await plain.exists(ns.key('user:1'), ns.key('user:2'))).toBe(0)
    expect(await plain.get('not-mine')).toBe('1')
  })

  it('killMaster(): a replica is promoted, the sentinel client keeps working, no acknowledged write is lost', async () => {
    const client = ha.client()
    await client.set('before', 'failover')
    const acked: number[] = []
    const failed: number[] = []
    const errors = new Map<string, number>()
    let stop = false
    let i = 0
    // a writer that never stops during the failover: SET, then WAIT for 1 replica; acked = the replica has it
    const writer = (async () => {
      while (!stop) {
        const n = i++
        try {
          await client.set(`w:${n}`, String(n))
          const replicas = await client.wait(1, 500)
          if (replicas >= 1) acked.push(n)
          else failed.push(n)
        } catch (err) {
          errors.set((err as Error).message, (errors.get((err as Error).message) ?? 0) + 1)
          failed.push(n)
          await sleep(10)
        }
      }
    })()
    const deadline = Date.now() + 10_000
    while (acked.length < 50 && Date.now() < deadline) await sleep(5)
    const oldMaster = ha.nodes.find((n) => n.initialRole === 'master')!
    const oldPid = oldMaster.process.pid!
    const result = await ha.killMaster()
    expect(isPidAlive(oldPid)).toBe(false)
    expect(result.killed.port).toBe(oldMaster.port)
    expect(ha.nodes.slice(1).map((n) => n.port)).toContain(result.master?.port)
    // keep writing until the client has written (and the remaining replica acknowledged) through the new master
    const ackedBefore = acked.length
    const until = Date.now() + 20_000
    while (acked.length < ackedBefore + 20 && Date.now() < until) await sleep(10)
    stop = true
    await writer
    expect(
      acked.length,
      `failed: ${failed.length}, errors: ${JSON.stringify([...errors])}, client: ${client.status}`,
    ).toBeGreaterThan(ackedBefore)

    const promoted = ha.nodeClient(result.master!)
    expect(parseInfo(await promoted.info('replication')).role).toBe('master')
    expect(await client.get('before')).toBe('failover')
    const values = await promoted.mget(...acked.map((n) => `w:${n}`))
    const lost = acked.filter((n, idx) => values[idx] !== String(n))
    expect(lost).toEqual([])

    // the old master comes back (same port, same config) and the sentinels turn it into a replica
    await oldMaster.process.restart()
    const rejoined = ha.nodeClient(oldMaster)
    const until2 = Date.now() + 20_000
    let info = parseInfo(await rejoined.info('replication'))
    while (!(info.role === 'slave' && info.master_link_status === 'up') && Date.now() < until2) {
      await sleep(50)
      info = parseInfo(await rejoined.info('replication'))
    }
    expect(info.role).toBe('slave')
    expect(Number(info.master_port)).toBe((await ha.master()).port)
    expect(await rejoined.get('before')).toBe('failover')
  })
})

describe('a sentinel group as one fixture', () => {
  it('pause()/resume() and restart() act on every process; after stop() only stop() works', async () => {
    const ha = await startRedisSentinel({ replicas: 1, sentinels: 1, quorum: 1 })
    try {
      await ha.pause()
      const c = ha.nodeClient(ha.nodes[0]!, { commandTimeout: 200, maxRetriesPerRequest: 0 })
      await expect(c.ping()).rejects.toThrow(/timed out/i)
      await ha.resume()
      await ha.restart()
      expect(ha.pids.every(isPidAlive)).toBe(true)
      expect(await ha.client().ping()).toBe('PONG')
    } finally {
      await ha.stop()
    }
    await expect(ha.isolated()).rejects.toThrow(FixtureStateError)
    await expect(ha.kill()).rejects.toThrow(FixtureStateError)
    expect(() => ha.client()).toThrow(FixtureStateError)
  })
})
