import fs from 'node:fs'
import net from 'node:net'
import {
  FixtureStateError,
  getFreePorts,
  InvalidOptionsError,
  LOOPBACK,
  StartupTimeoutError,
} from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startForwarder } from '../../test/etcd-helpers.js'
import type { Etcd } from '../etcd.js'
import { startEtcd } from '../start-etcd.js'
import { etcdBinary } from './binary.js'
import { startLocalCluster } from './local-cluster.js'
import { TUNED_TIMINGS } from './timings.js'

describe('a 1-node cluster', () => {
  let etcd: Etcd
  beforeAll(async () => {
    etcd = await startEtcd({ nodes: 1 })
  })
  afterAll(async () => {
    await etcd?.stop()
  })

  it('connects, writes and reads; it is its own leader', async () => {
    const client = etcd.client()
    await client.put('greeting').value('hello')
    expect(await client.get('greeting')).toBe('hello')
    expect(await etcd.leader()).toMatchObject({ index: 0 })
    expect(etcd.provider).toBe('local')
    expect(etcd.dataDir).toMatch(/^\/dev\/shm\/infra-fixtures(-\d+)?\/etcd-/)
  })

  it('isolated(): a namespace under its own prefix, whose keys (only) are deleted on release', async () => {
    const root = etcd.client()
    await root.put('outside').value('stays')
    const a = await etcd.isolated()
    const b = await etcd.isolated()
    expect(a.prefix).not.toBe(b.prefix)
    expect(a.prefix.startsWith(etcd.keyPrefix)).toBe(true)
    await a.client().put('k').value('a')
    await b.client().put('k').value('b')
    expect(await a.client().get('k')).toBe('a')
    expect(await root.get(a.key('k'))).toBe('a')
    await a.release()
    await a.release()
    expect(await root.get(a.key('k'))).toBeNull()
    expect(await b.client().get('k')).toBe('b')
    expect(await root.get('outside')).toBe('stays')
    expect(() => a.client()).toThrow(/released/)
    let scoped = ''
    {
      await using c = await etcd.isolated()
      await c.client().put('x').value('1')
      scoped = c.key('x')
      expect(await root.get(scoped)).toBe('1')
    }
    expect(await root.get(scoped)).toBeNull()
    await b.release()
  })

  it('kill() and restart() act on the whole cluster: same port, same data', async () => {
    await etcd.client().put('durable').value('yes')
    await expect(etcd.kill(1)).rejects.toThrow(/kill\(1\): expected a node index from 0 to 0/)
    await expect(etcd.restart(-1)).rejects.toBeInstanceOf(InvalidOptionsError)
    const endpoints = [...etcd.endpoints]
    await etcd.kill()
    expect(etcd.nodePid(0)).toBeUndefined()
    await etcd.restart()
    expect(etcd.endpoints).toEqual(endpoints)
    expect(await etcd.client().get('durable')).toBe('yes')
  })

  it('stop() is idempotent, removes the data dir, and later calls throw FixtureStateError', async () => {
    const dir = etcd.dataDir!
    const pid = etcd.nodePid(0)!
    const open = await etcd.isolated()
    await Promise.all([etcd.stop(), etcd.stop()])
    await etcd.stop()
    expect(fs.existsSync(dir)).toBe(false)
    expect(() => process.kill(pid, 0)).toThrow()
    await expect(etcd.isolated()).rejects.toBeInstanceOf(FixtureStateError)
    await open.release() // after stop (e.g. disposal order): nothing left to delete, no error
    await expect(etcd.kill(0)).rejects.toBeInstanceOf(FixtureStateError)
  })
})

describe('a 5-node cluster', () => {
  it('starts, elects one leader, replicates, and stays available with 2 nodes killed', async () => {
    await using etcd = await startEtcd({ nodes: 5 })
    expect(etcd.endpoints).toHaveLength(5)
    expect(new Set(etcd.endpoints).size).toBe(5)
    const members = await etcd.members()
    expect(members).toHaveLength(5)
    expect(members.filter((m) => m.isLeader)).toHaveLength(1)
    const client = etcd.client()
    await client.put('five').value('nodes')
    const old = await etcd.killLeader()
    await etcd.kill((old.index + 1) % 5)
    const next = await etcd.waitForLeader({ timeoutMs: 15_000 })
    expect(next.index).not.toBe(old.index)
    await client.put('five').value('still')
    expect(await etcd.nodeClient(next.index).get('five').serializable(true)).toBe('still')
  })
})

describe('a node without quorum', () => {
  it('ignores SIGTERM: restart(i) escalates to SIGKILL, then fails with StartupTimeoutError instead of hanging', async () => {
    await using etcd = await startEtcd({
      nodes: 3,
      startTimeoutMs: 3_000,
      stopGraceMs: 300,
      logLevel: 'info',
    })
    await etcd.kill(0)
    await etcd.kill(1)
    const err = await etcd.restart(2).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StartupTimeoutError)
    expect((err as Error).message).toMatch(/etcd node-2 to answer on .* and follow a leader/)
    // it got the SIGTERM (and did not exit on it: the stop went on to SIGKILL), then came back without quorum
    const logs = etcd.nodeLogs(2)
    const sigterm = logs.findIndex((l) => l.includes('received signal; shutting down'))
    expect(sigterm).toBeGreaterThanOrEqual(0)
    expect(logs.indexOf("--- restart of 'etcd-2' ---")).toBeGreaterThan(sigterm)
    // the whole cluster, started together, has its quorum again
    await etcd.restart()
    await etcd.client().put('back').value('yes')
  })
})

describe('a whole-cluster port clash', () => {
  it('is retried on new ports when one node cannot bind', async () => {
    // another process holds a port the first attempt hands to node 1's peer listener
    const holder = net.createServer()
    await new Promise<void>((resolve) => holder.listen({ port: 0, host: LOOPBACK }, resolve))
    const taken = (holder.address() as net.AddressInfo).port
    const attempts: number[][] = []
    const cluster = await startLocalCluster({
      size: 3,
      binary: etcdBinary(),
      timings: TUNED_TIMINGS,
      logLevel: 'warn',
      startTimeoutMs: 20_000,
      stopGraceMs: 500,
      portRetry: {
        pickPorts: async (count) => {
          const ports = await getFreePorts(count)
          if (attempts.length === 0) ports[3] = taken
          attempts.push(ports)
          return ports
        },
      },
    })
    try {
      expect(attempts).toHaveLength(2)
      expect(cluster.nodes.map((n) => n.peerPort)).not.toContain(taken)
      expect(cluster.nodes.every((n) => n.process.running)).toBe(true)
    } finally {
      await cluster.stop()
      holder.close()
    }
  })
})

describe('advertisePeerUrl', () => {
  it('makes peers reach each node through the URL it returns (here a TCP forwarder per node)', async () => {
    const forwarders: Awaited<ReturnType<typeof startForwarder>>[] = []
    try {
      await using etcd = await startEtcd({
        nodes: 3,
        advertisePeerUrl: async ({ listenPeerUrl }) => {
          const forwarder = await startForwarder(Number(new URL(listenPeerUrl).port))
          forwarders.push(forwarder)
          return forwarder.url
        },
      })
      const members = await etcd.members()
      expect(members.map((m) => m.peerUrls[0]).sort()).toEqual(forwarders.map((f) => f.url).sort())
      await etcd.client().put('through').value('proxies')
      expect(forwarders.every((f) => f.connections() > 0)).toBe(true)
    } finally {
      await Promise.all(forwarders.map((f) => f.close()))
    }
  })
})
