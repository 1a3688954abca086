// Seed 001 §1, etcd cluster failover, on one 3-node cluster for the whole file (each test in its own key
// prefix; every node left running at the end of each test): connect/write/read/leader status; a watch that
// delivers every change; a follower, then the leader stopped: writes continue, a new leader is elected;
// restarted nodes catch up and every node returns the same data; the service's active fan-out worker moves
// to another instance when its lease holder dies.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type Etcd, startEtcd } from '@infra/etcd-fixture'
import { Etcd3 } from 'etcd3'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  CONFIG_KEY,
  ConfigWatch,
  DependencyUnavailableError,
  FanoutElection,
  withDeadline,
} from '../src/index.js'
import { waitUntil } from './support/wait.js'

let etcd: Etcd
const childScript = fileURLToPath(new URL('./support/election-child.ts', import.meta.url))
const clients: Etcd3[] = []

beforeAll(async () => {
  etcd = await startEtcd({ nodes: 3, provider: 'local' })
})
afterEach(async () => {
  for (const c of clients.splice(0)) c.close()
  for (const m of await etcd.members()) if (m.state !== 'running') await etcd.restart(m.index)
})
afterAll(async () => {
  await etcd?.stop()
})

/** A client of the service's own kind (not the fixture's test client), closed after the test. */
function serviceClient(): Etcd3 {
  const client = new Etcd3({ hosts: etcd.endpoints, dialTimeout: 2_000 })
  clients.push(client)
  return client
}

async function sameOnEveryNode(key: string, expected: string) {
  for (let i = 0; i < 3; i++) {
    await waitUntil(`node ${i} to return ${key}=${expected}`, async () => {
      return (await etcd.nodeClient(i).get(key).serializable(true).string()) === expected
    })
  }
}

describe('etcd cluster failover (3 nodes)', () => {
  test('connect, write, read, and leader status agreed by every node', async () => {
    await using ns = await etcd.isolated()
    const kv = ns.client()
    await kv.put('greeting').value('hello')
    expect(await kv.get('greeting').string()).toBe('hello')
    const leader = await etcd.leader()
    const members = await etcd.members()
    expect(members).toHaveLength(3)
    expect(members.filter((m) => m.isLeader).map((m) => m.index)).toEqual([leader.index])
    expect(members.every((m) => m.state === 'running')).toBe(true)
  })

  test("the service's config watch delivers every change, in revision order", async () => {
    await using ns = await etcd.isolated()
    const errors: unknown[] = []
    const watch = new ConfigWatch(serviceClient().namespace(ns.prefix), (e) => errors.push(e))
    await watch.start()
    try {
      for (let i = 0; i < 20; i++)
        await ns
          .client()
          .put(CONFIG_KEY)
          .value(JSON.stringify({ deliver: i % 2 === 0 }))
      await waitUntil('20 config changes', () => watch.history.length >= 20)
      expect(watch.history.map((c) => c.deliver)).toEqual(Array.from({ length: 20 }, (_, i) => i % 2 === 0))
      const revisions = watch.history.map((c) => c.revision)
      expect(revisions).toEqual([...revisions].sort((a, b) => a - b))
      expect(new Set(revisions).size).toBe(20)
      expect(watch.current.deliver).toBe(false)
      expect(errors).toEqual([])
    } finally {
      await watch.stop()
    }
  })

  test('a follower stopped: writes continue; restarted, it catches up and returns the same data', async () => {
    await using ns = await etcd.isolated()
    const kv = serviceClient().namespace(ns.prefix)
    const leader = await etcd.leader()
    const follower = [0, 1, 2].find((i) => i !== leader.index) as number
    await etcd.kill(follower)
    for (let i = 0; i < 10; i++) await kv.put(`k${i}`).value(`v${i}`)
    expect(await kv.get('k9').string()).toBe('v9')
    expect((await etcd.leader()).index).toBe(leader.index)
    await etcd.restart(follower)
    await sameOnEveryNode(ns.key('k9'), 'v9')
  })

  test('the leader stopped: a new leader is elected, writes continue; restarted, the cluster is stable', async () => {
    await using ns = await etcd.isolated()
    const kv = serviceClient().namespace(ns.prefix)
    await kv.put('before').value('1')
    const old = await etcd.killLeader()
    const next = await etcd.waitForLeader({ timeoutMs: 30_000 })
    expect(next.index).not.toBe(old.index)
    await waitUntil('a write after the leader died', async () => {
      await kv.put('after').value('2')
      return true
    })
    await etcd.restart(old.index)
    const stable = await etcd.waitForLeader({ timeoutMs: 30_000 })
    expect((await etcd.members()).every((m) => m.state === 'running')).toBe(true)
    expect((await etcd.leader()).index).toBe(stable.index)
    await sameOnEveryNode(ns.key('before'), '1')
    await sameOnEveryNode(ns.key('after'), '2')
  })

  test('a watch misses nothing and repeats nothing across a leader failover', async () => {
    await using ns = await etcd.isolated()
    const watch = new ConfigWatch(serviceClient().namespace(ns.prefix), () => undefined)
    await watch.start()
    try {
      const writer = serviceClient().namespace(ns.prefix)
      const put = (i: number) =>
        waitUntil(`config write ${i}`, async () => {
          await writer.put(CONFIG_KEY).value(JSON.stringify({ deliver: true, n: i }))
          return true
        })
      for (let i = 0; i < 5; i++) await put(i)
      await etcd.killLeader()
      for (let i = 5; i < 10; i++) await put(i)
      await waitUntil('10 config changes', () => watch.history.length >= 10)
      const revisions = watch.history.map((c) => c.revision)
      expect(new Set(revisions).size).toBe(revisions.length)
      expect(revisions).toEqual([...revisions].sort((a, b) => a - b))
      expect(revisions.length).toBeGreaterThanOrEqual(10)
    } finally {
      await watch.stop()
    }
  })

  test('quorum lost: a read fails within the service deadline (no hang); quorum back: it works again', async () => {
    await using ns = await etcd.isolated()
    const kv = serviceClient().namespace(ns.prefix)
    await kv.put('k').value('v')
    const leader = await etcd.leader()
    const others = [0, 1, 2].filter((i) => i !== leader.index)
    await etcd.kill(others[0])
    await etcd.kill(others[1])
    const read = withDeadline('etcd', 'config read', 1_000, () =>
      kv
        .get('k')
        .options({ deadline: Date.now() + 1_000 })
        .string(),
    )
    await expect(read).rejects.toBeInstanceOf(DependencyUnavailableError)
    await expect(read).rejects.toMatchObject({ dependency: 'etcd' })
    await etcd.restart(others[0])
    await etcd.restart(others[1])
    await etcd.waitForLeader({ timeoutMs: 30_000 })
    await waitUntil(
      'a linearizable read after quorum is back',
      async () => (await kv.get('k').string()) === 'v',
    )
  })

  test('the active fan-out worker moves to another instance when its lease holder dies', async () => {
    await using ns = await etcd.isolated()
    const active: string[] = []
    const make = (id: string) =>
      new FanoutElection(
        serviceClient().namespace(ns.prefix),
        id,
        {
          onElected: async () => void active.push(id),
          onDemoted: async () => void active.splice(active.indexOf(id), 1),
          onError: () => undefined,
        },
        2,
      )
    // instance-a runs in its own process; SIGKILL leaves its lease to expire, as a crashed pod would
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', childScript, etcd.endpoints.join(','), ns.prefix, 'instance-a'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    let childOut = ''
    child.stdout.on('data', (d) => {
      childOut += d
    })
    try {
      await waitUntil('instance-a (child process) to be elected', () => childOut.includes('elected'))
      const b = make('instance-b')
      b.start()
      expect(await b.leader()).toBe('instance-a')
      expect(b.isLeader).toBe(false)

      child.kill('SIGKILL')
      await waitUntil('instance-b to be elected', () => b.isLeader, { timeoutMs: 30_000 })
      expect(await b.leader()).toBe('instance-b')
      expect(active).toEqual(['instance-b'])
      // a clean stop resigns at once: a third instance takes over without waiting for a lease
      const c = make('instance-c')
      c.start()
      await b.stop()
      await waitUntil('instance-c to be elected', () => c.isLeader)
      expect(active).toEqual(['instance-c'])
      await c.stop()
    } finally {
      child.kill('SIGKILL')
    }
  })
})
