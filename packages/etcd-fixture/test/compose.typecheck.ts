// Compile-time check (tsc): etcdFixtures composes with vitest's own test and other fixture sets without
// type arguments, and the fixture values have the handle's types. Not run.
import { test as base } from 'vitest'
import {
  createEtcdFixtures,
  type Etcd,
  type EtcdFixtures,
  type EtcdNamespace,
  etcdFixtures,
  test,
} from '../src/vitest.js'

const composed = base.extend({ answer: 42 }).extend(etcdFixtures)
const cluster = base.extend(createEtcdFixtures({ nodes: 3 })).extend({ other: 'x' })

test('types flow through', async ({ etcdServer, etcd }) => {
  const both: EtcdFixtures = { etcdServer, etcd }
  const server: Etcd = etcdServer
  const ns: EtcdNamespace = etcd
  const leader: { index: number; memberId: string } = await etcdServer.killLeader()
  await etcdServer.restart(leader.index)
  const endpoints: string[] = etcdServer.endpoints
  const value: string | null = await ns.client().get('k')
  void [both, server, endpoints, value]
})

composed('composed after other fixtures', async ({ etcdServer, etcd, answer }) => {
  const both: EtcdFixtures = { etcdServer, etcd }
  const n: number = answer
  void [both, n]
})

cluster('values of other fixtures stay typed', async ({ etcdServer, other }) => {
  const s: string = other
  const env: Record<string, string> = etcdServer.env()
  void [s, env]
})
