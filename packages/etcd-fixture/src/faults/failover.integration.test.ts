import { GRPCDeadlineExceededError, type Namespace } from 'etcd3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { putUntilOk, recordPuts, type SeenEvent } from '../../test/etcd-helpers.js'
import type { EtcdNamespace } from '../client/namespace.js'
import type { Etcd } from '../etcd.js'
import { startEtcd } from '../start-etcd.js'

// One 3-node cluster for the file: each test leaves it whole again (every node running, one leader).
let etcd: Etcd
let ns: EtcdNamespace
let kv: Namespace

beforeAll(async () => {
  etcd = await startEtcd({ nodes: 3 })
  ns = await etcd.isolated()
  kv = ns.client()
})
afterAll(async () => {
  await etcd?.stop()
})

/** The history the cluster holds under `prefix`: one event per applied put (a key's version counts them). */
async function appliedPuts(prefix: string): Promise<number> {
  const res = await kv.getAll().prefix(prefix).exec()
  return res.kvs.reduce((sum, k) => sum + Number(k.version), 0)
}

function expectOncePerRevisionInOrder(seen: SeenEvent[], applied: number): void {
  const revisions = seen.map((e) => e.modRevision)
  expect(revisions).toEqual([...revisions].sort((a, b) => a - b))
  expect(new Set(revisions).size).toBe(revisions.length)
  expect(seen).toHaveLength(applied)
}

describe('a 3-node cluster', () => {
  it('lists 3 members with one leader, and hands out its endpoints', async () => {
    const members = await etcd.members()
    expect(members).toHaveLength(3)
    expect(members.filter((m) => m.isLeader)).toHaveLength(1)
    expect(members.map((m) => m.index).sort()).toEqual([0, 1, 2])
    expect(etcd.env().ETCD_ENDPOINTS?.split(',')).toEqual(etcd.endpoints)
    expect(etcd.endpoints.every((e) => /^http:\/\/127\.0\.0\.1:\d+$/.test(e))).toBe(true)
    const leader = await etcd.leader()
    expect(members.find((m) => m.isLeader)?.memberId).toBe(leader.memberId)
  })

  it('survives a leader kill: new leader, writes succeed, watches see every event once in order, the old leader catches up', async () => {
    // one watch on all endpoints, and one on each node alone (the leader's resumes only after its restart)
    const everywhere = await recordPuts(kv, 'seq/')
    const perNode = await Promise.all(
      etcd.endpoints.map((_, i) => recordPuts(etcd.nodeClient(i).namespace(ns.prefix), 'seq/')),
    )
    for (let i = 0; i < 5; i++) await kv.put(`seq/${i}`).value(`v${i}`)
    const old = await etcd.killLeader()
    await putUntilOk(kv, 'seq/5', 'v5')
    const next = await etcd.waitForLeader({ timeoutMs: 15_000 })
    expect(next.index).not.toBe(old.index)
    expect(next.memberId).not.toBe(old.memberId)
    for (let i = 6; i < 10; i++) await kv.put(`seq/${i}`).value(`v${i}`)

    await etcd.restart(old.index)
    const applied = await appliedPuts('seq/')
    expect(applied).toBeGreaterThanOrEqual(10)
    for (const w of [everywhere, ...perNode]) {
      await waitForLength(w.seen, applied)
      expectOncePerRevisionInOrder(w.seen, applied)
      await w.watcher.cancel()
    }

    // serializable (member-local) reads: every node, the old leader included, has the same value and revision
    const reads = await Promise.all(
      etcd.endpoints.map(async (_, i) => {
        const res = await etcd.nodeClient(i).get(ns.key('seq/9')).serializable(true).exec()
        return {
          value: res.kvs[0]?.value.toString(),
          modRevision: res.kvs[0]?.mod_revision,
          revision: res.header.revision,
        }
      }),
    )
    expect(reads[0]!.value).toBe('v9')
    expect(reads.every((r) => JSON.stringify(r) === JSON.stringify(reads[0]))).toBe(true)
  })

  it('without quorum a write fails within the deadline with a typed error, and succeeds once a node is back', async () => {
    const leader = await etcd.waitForLeader()
    const killed = [leader.index, (leader.index + 1) % 3]
    await etcd.kill(killed[0])
    await etcd.kill(killed[1])

    const started = Date.now()
    // the deadline is the test's: etcd3 call options
    const write = kv
      .put('q')
      .value('lost')
      .options({ deadline: Date.now() + 1_000 })
    await expect(write).rejects.toBeInstanceOf(GRPCDeadlineExceededError)
    expect(Date.now() - started).toBeLessThan(2_000)
    // the survivor still answers member-local reads
    const survivor = etcd.nodeClient(3 - killed[0]! - killed[1]!).namespace(ns.prefix)
    expect(await survivor.get('seq/9').serializable(true)).toBe('v9')

    await etcd.restart(killed[0])
    await kv.put('q').value('back')
    expect(await kv.get('q')).toBe('back')
    await etcd.restart(killed[1])
    expect((await etcd.members()).every((m) => m.state === 'running')).toBe(true)
  })

  it('pause(leader) makes the others elect a new one; resume() brings it back as a follower', async () => {
    const old = await etcd.waitForLeader()
    await etcd.pause(old.index)
    try {
      const next = await etcd.waitForLeader({ timeoutMs: 15_000 })
      expect(next.index).not.toBe(old.index)
      await putUntilOk(kv, 'paused', 'yes')
      expect((await etcd.members()).find((m) => m.index === old.index)?.state).toBe('paused')
    } finally {
      await etcd.resume(old.index)
    }
    const after = await etcd.waitForLeader({ timeoutMs: 15_000 })
    expect((await etcd.members()).filter((m) => m.isLeader).map((m) => m.index)).toEqual([after.index])
  })

  it('restart() of the whole cluster from quorum loss: nodes that ignore SIGTERM are killed after the grace', async () => {
    await etcd.kill(0)
    await etcd.kill(1)
    // node 2 has no quorum: it ignores SIGTERM, so restart() needs the SIGKILL escalation to get on
    await etcd.restart()
    expect(await kv.get('q')).toBe('back')
    expect((await etcd.members()).filter((m) => m.state === 'running')).toHaveLength(3)
  })
})

async function waitForLength(list: unknown[], n: number): Promise<void> {
  const until = Date.now() + 10_000
  while (list.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 20))
}
