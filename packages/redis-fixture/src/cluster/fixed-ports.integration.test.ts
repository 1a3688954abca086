// Fixed ports for suites written against a cluster on known ports (7000-7005 style): no retry, each bus
// port at port + 10000, a taken port or bus port is a PortInUseError before anything starts.
import net from 'node:net'
import { PortInUseError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import type { RedisCluster } from './cluster.js'
import { startRedisCluster } from './start.js'

/** A base port below the ephemeral range (32768+) that others are unlikely to hold; retried if taken. */
async function startOnFreeBase(): Promise<{ cluster: RedisCluster; base: number }> {
  for (let attempt = 0; ; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 9_000)
    try {
      return { cluster: await startRedisCluster({ masters: 3, basePort: base }), base }
    } catch (err) {
      if (!(err instanceof PortInUseError) || attempt >= 5) throw err
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
    const holder = net.createServer()
    const base = 20_000 + Math.floor(Math.random() * 9_000)
    await new Promise<void>((resolve, reject) => {
      holder.once('error', reject)
      holder.listen(base + 10_001, '127.0.0.1', resolve)
    })
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
