import { UnsupportedOperationError } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Etcd } from './etcd.js'
import { EXTERNAL_ENDPOINTS_ENV, startEtcd } from './start-etcd.js'

// The "external" etcd is a local cluster this file starts; the handle under test only gets its endpoints.
let server: Etcd
const saved = process.env[EXTERNAL_ENDPOINTS_ENV]

beforeAll(async () => {
  server = await startEtcd({ nodes: 1 })
  process.env[EXTERNAL_ENDPOINTS_ENV] = server.endpoints.join(',')
})
afterAll(async () => {
  if (saved === undefined) delete process.env[EXTERNAL_ENDPOINTS_ENV]
  else process.env[EXTERNAL_ENDPOINTS_ENV] = saved
  await server?.stop()
})

describe(`external provider ($${EXTERNAL_ENDPOINTS_ENV})`, () => {
  it('is chosen by the environment variable; isolation is by key prefix only', async () => {
    const root = server.client()
    await root.put('someone-elses/key').value('keep')
    await root.put('infra-other/key').value('keep')
    const etcd = await startEtcd()
    expect(etcd.provider).toBe('external')
    expect(etcd.endpoints).toEqual(server.endpoints)
    const released = await etcd.isolated()
    const open = await etcd.isolated()
    await released.client().put('a').value('1')
    await open.client().put('b').value('2')
    await released.release()
    expect(await root.get(released.key('a'))).toBeNull()
    expect(await root.get(open.key('b'))).toBe('2')

    // stop() deletes the keys of the namespaces not yet released, and nothing else
    await etcd.stop()
    expect(await root.get(open.key('b'))).toBeNull()
    expect(await root.get('someone-elses/key')).toBe('keep')
    expect(await root.get('infra-other/key')).toBe('keep')
  })

  it('answers cluster state, but has no faults: it does not own the processes', async () => {
    await using etcd = await startEtcd({ provider: 'external' })
    expect(await etcd.leader()).toMatchObject({ index: 0 })
    expect(await etcd.members()).toHaveLength(1)
    for (const fault of [
      () => etcd.kill(),
      () => etcd.killLeader(),
      () => etcd.restart(0),
      () => etcd.pause(),
    ]) {
      await expect(fault()).rejects.toBeInstanceOf(UnsupportedOperationError)
    }
    expect(server.nodePid(0)).toBeGreaterThan(0)
  })

  it('explicit externalEndpoints win over the environment', async () => {
    await using etcd = await startEtcd({ externalEndpoints: [server.endpoints[0]!], keyPrefix: 'mine/' })
    const ns = await etcd.isolated()
    expect(ns.prefix.startsWith('mine/ns-')).toBe(true)
    await ns.client().put('x').value('y')
    expect(await server.client().get(ns.key('x'))).toBe('y')
  })

  it('cluster state works while an external endpoint is down: the endpoints that answer agree on the leader', async () => {
    await using etcd = await startEtcd({ externalEndpoints: ['http://127.0.0.1:1', server.endpoints[0]!] })
    expect(await etcd.leader()).toMatchObject({ index: 1 })
    expect((await etcd.members()).map((m) => m.index)).toEqual([1])
  })
})
