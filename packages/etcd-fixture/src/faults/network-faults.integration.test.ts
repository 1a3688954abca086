import { startToxiproxy, type Toxiproxy } from '@infra/toxiproxy-fixture'
import { GRPCDeadlineExceededError } from 'etcd3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeStatus } from '../cluster/gateway.js'
import type { Etcd } from '../etcd.js'
import { startEtcd } from '../start-etcd.js'

// One Toxiproxy and one 3-node cluster whose peer traffic runs through it (a link per node pair).
let toxiproxy: Toxiproxy
let etcd: Etcd

beforeAll(async () => {
  toxiproxy = await startToxiproxy()
  etcd = await startEtcd({ nodes: 3, networkFaults: toxiproxy })
})
afterAll(async () => {
  await etcd?.stop()
  await toxiproxy?.stop()
})

const others = (i: number) => [0, 1, 2].filter((j) => j !== i)

/** Until `check` holds (finite; the machine may be loaded). */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!(await check().catch(() => false))) {
    if (Date.now() > until) throw new Error(`not within ${timeoutMs} ms: ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('a 3-node cluster with networkFaults', () => {
  it('routes peer traffic through one link per ordered node pair', async () => {
    const peerLinks = Object.values(await toxiproxy.api.proxies()).filter((p) => p.name.includes('node-'))
    expect(peerLinks).toHaveLength(6)
    expect(peerLinks.map((p) => p.listen.split(':')[0]).sort()).toEqual([
      '127.0.1.2',
      '127.0.1.3',
      '127.0.2.1',
      '127.0.2.3',
      '127.0.3.1',
      '127.0.3.2',
    ])
    expect((await etcd.members()).map((m) => m.peerUrls[0])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^http:\/\/etcd-\d\.infra\.test:\d+$/)]),
    )
  })

  it('a minority loses leadership and refuses writes, the majority elects and serves, heal() converges', async () => {
    const old = await etcd.waitForLeader()
    const majority = others(old.index)
    const cut = await etcd.partition([old.index], majority)
    expect(cut).toHaveLength(4)

    // the majority elects a new leader among itself and keeps taking linearizable writes
    const next = await etcd.waitForLeader({ among: majority })
    expect(next.index).not.toBe(old.index)
    await etcd.nodeClient(majority[0]!).put('nf/majority').value('yes')

    // the cut-off node steps down (check-quorum) and a linearizable write through it fails
    await eventually('the old leader to follow no leader', async () => {
      return (await nodeStatus(etcd.endpoints[old.index]!, { timeoutMs: 500 })).leader === '0'
    })
    const minority = etcd.nodeClient(old.index)
    await expect(
      minority
        .put('nf/minority')
        .value('no')
        .options({ deadline: Date.now() + 1_000 }),
    ).rejects.toBeInstanceOf(GRPCDeadlineExceededError)

    await etcd.heal()
    const healed = await etcd.waitForLeader()
    expect(majority).toContain(healed.index)
    // converged: the healed node serves the write it missed, linearizably
    await eventually('the healed node to serve the majority write', async () => {
      return (await etcd.nodeClient(old.index).get('nf/majority').string()) === 'yes'
    })
    expect(await etcd.client().get('nf/minority').string()).toBeNull()
  })

  it('cuts exactly one pair: the third node still reaches both, the cluster keeps a leader', async () => {
    const leader = await etcd.waitForLeader()
    const [a, b] = others(leader.index) as [number, number]
    const cut = await etcd.partition([a], [b])
    expect(cut.sort()).toEqual([`node-${a}->node-${b}`, `node-${b}->node-${a}`].sort())
    await etcd.client().put('nf/pair').value('ok')
    expect((await etcd.waitForLeader()).index).toBe(leader.index)
    await etcd.heal()
  })

  it('rejects bad groups', async () => {
    await expect(etcd.partition([0], [0, 1])).rejects.toThrow(/both groups/)
    await expect(etcd.partition([3], [0])).rejects.toThrow(/from 0 to 2/)
  })
})

describe('without networkFaults', () => {
  it('partition() says how to get it', async () => {
    await using single = await startEtcd({ nodes: 1 })
    await expect(single.partition([0], [0])).rejects.toThrow(/networkFaults/)
  })
})
