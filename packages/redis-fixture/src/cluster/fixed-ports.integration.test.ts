// Fixed ports for suites written against a cluster on known ports (7000-7005 style): no retry, each bus
// port at port + 10000, a taken port or bus port is a PortInUseError before anything starts.
import net from 'node:net'
import { PortInUseError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import type { RedisCluster } from './cluster.js'
import { startRedisCluster } from './start.js'

/**
 * A base port whose node ports and bus ports (+10000, up to +10004 here) all stay below Linux's ephemeral
 * range (32768+), so no outgoing connection of another process can hold one by chance.
 */
function randomBase(): number {
  return 20_000 + Math.floor(Math.random() * 2_700)
}

/** Starts a 3-master cluster on a random base port; retried on another base if one is taken. */
async function startOnFreeBase(): Promise<{ cluster: RedisCluster; base: number }> {
  for (let attempt = 0; ; attempt++) {
    const base = randomBase()
    try {
      return { cluster: await startRedisCluster({ masters: 3, basePort: base }), base }
    } catch (err) {
      if (!(err instanceof PortInUseError) || attempt >= 5) throw err
    }
  }
}

/** Listens on the bus port of node 1 (base + 10001) of a random base; another base if that one is taken. */
async function holdBusPortOfNode1(): Promise<{ holder: net.Server; base: number }> {
  for (let attempt = 0; ; attempt++) {
    const base = randomBase()
    const holder = net.createServer()
    try {
      await new Promise<void>((resolve, reject) => {
        holder.once('error', reject)
        holder.listen(base + 10_001, '127.0.0.1', resolve)
      })
      return { holder, base }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 5) throw err
    }
  }
}

describe('startRedisCluster({ basePort | ports })', () => {
  it('nodes on basePort…, bus ports at +10000; the same ports again are a PortInUseError', async () => {
    const { cluster, base } = await startOnFreeBase()
    try {
      expect(cluster.nodes.map((n) => n.port)).toEqual([base, base + 1, base + 2])
      expect(cluster.nodes.map((n) => n.busPort)).toEqual([base + 10_000, base + 10_001, base + 10_002])
      expect(await cluster.client().set('{x}k', 'v')).toBe('OK')
      const text = (await cluster.nodeClient(cluster.nodes[0]!).call('CLUSTER', 'NODES')) as string
      expect(text).toContain(`127.0.0.1:${base + 1}@${base + 10_001}`)
      const again = await startRedisCluster({ masters: 3, ports: [base + 2, base + 3, base + 4] }).catch(
        (e: unknown) => e,
      )
      expect(again).toBeInstanceOf(PortInUseError)
      expect((again as PortInUseError).port).toBe(base + 2)
    } finally {
      await cluster.stop()
    }
  })

  it('a taken bus port (port + 10000) is a PortInUseError naming it', async () => {
    const { holder, base } = await holdBusPortOfNode1()
    try {
      const err = await startRedisCluster({
        masters: 1,
        replicasPerMaster: 1,
        ports: [base, base + 1],
      }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(PortInUseError)
      expect((err as PortInUseError).port).toBe(base + 10_001)
      expect((err as Error).message).toMatch(/cluster bus port of node 1/)
    } finally {
      holder.close()
    }
  })
})
