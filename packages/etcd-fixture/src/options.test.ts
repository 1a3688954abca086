import { type FixtureServer, InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { EtcdNamespace } from './client/namespace.js'
import type { Etcd } from './etcd.js'
import { connectEtcd, parseEndpoints, startEtcd } from './start-etcd.js'

describe('startEtcd options (checked before anything starts)', () => {
  it('throws InvalidOptionsError for an unknown key, naming the nearest option', async () => {
    const err = await startEtcd({ node: 3 } as never).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect((err as Error).message).toMatch(/'node'.*not an option of startEtcd\(\).*Did you mean 'nodes'/s)
  })

  it.each([
    [{ nodes: 2 }, /nodes/],
    [{ nodes: 3, timings: { heartbeatMs: 0 } }, /timings\.heartbeatMs/],
    [{ timings: { heartbeat: 10 } }, /timings\.heartbeat.*Did you mean 'heartbeatMs'/s],
    [{ timings: { heartbeatMs: 50, electionTimeoutMs: 100 } }, /at least 5 heartbeats \(250 ms\)/],
    [{ stopGraceMs: -1 }, /stopGraceMs/],
    [{ externalEndpoints: ['127.0.0.1:2379'] }, /expected http:\/\/host:port/],
    [{ provider: 'external', externalEndpoints: [] }, /externalEndpoints/],
  ])('rejects %j', async (options, message) => {
    const err = await startEtcd(options as never).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect((err as Error).message).toMatch(message)
  })
})

describe('endpoints', () => {
  it('parses $INFRA_ETCD_ENDPOINTS (comma or space separated)', () => {
    expect(parseEndpoints(' http://a:1, http://b:2  http://c:3,')).toEqual([
      'http://a:1',
      'http://b:2',
      'http://c:3',
    ])
  })

  it('connectEtcd rejects an endpoint that is not http://host:port', () => {
    expect(() => connectEtcd({ endpoints: ['a:1'], provider: 'local' })).toThrow(InvalidOptionsError)
    expect(() => connectEtcd({ endpoints: [], provider: 'local' })).toThrow(InvalidOptionsError)
  })

  it('gives other processes ETCD_ENDPOINTS, and has no faults on a cluster it did not start', async () => {
    const etcd = connectEtcd({ endpoints: ['http://127.0.0.1:1', 'http://127.0.0.1:2'], provider: 'local' })
    expect(etcd.env()).toEqual({ ETCD_ENDPOINTS: 'http://127.0.0.1:1,http://127.0.0.1:2' })
    await expect(etcd.kill(0)).rejects.toThrow(/global setup/)
    await etcd.stop()
    await etcd.stop()
    expect(() => etcd.client()).toThrow(/stopped/)
  })
})

describe('the handle type', () => {
  it('implements FixtureServer<EtcdNamespace>', () => {
    expectTypeOf<Etcd>().toMatchTypeOf<FixtureServer<EtcdNamespace>>()
    expectTypeOf<Awaited<ReturnType<Etcd['isolated']>>>().toEqualTypeOf<EtcdNamespace>()
    expectTypeOf<EtcdNamespace>().toMatchTypeOf<AsyncDisposable>()
    // the per-node fault variants still satisfy the whole-cluster signatures of the shape
    expectTypeOf<Etcd['kill']>().toMatchTypeOf<FixtureServer['kill']>()
    expectTypeOf<Etcd['restart']>().toMatchTypeOf<FixtureServer['restart']>()
  })
})
