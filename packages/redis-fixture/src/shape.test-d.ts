// Type-level checks (tsc): every handle has the one fixture shape, and its isolated resource is disposable.
import type { FixtureServer } from '@infra/fixture-core'
import type { Cluster, Redis } from 'ioredis'
import { describe, expectTypeOf, it } from 'vitest'
import type { RedisCluster } from './cluster/cluster.js'
import type { RedisClusterNamespace, RedisNamespace, RedisSentinelNamespace } from './isolation/namespace.js'
import type { RedisSentinel } from './sentinel/sentinel.js'
import type { RedisServer } from './server/redis-server.js'
import type { connectRedis } from './server/start.js'

describe('the redis handles have the fixture shape', () => {
  it('RedisServer, RedisSentinel and RedisCluster satisfy FixtureServer', () => {
    expectTypeOf<RedisServer>().toExtend<FixtureServer<RedisNamespace>>()
    expectTypeOf<RedisSentinel>().toExtend<FixtureServer<RedisSentinelNamespace>>()
    expectTypeOf<RedisCluster>().toExtend<FixtureServer<RedisClusterNamespace>>()
    expectTypeOf<RedisNamespace>().toExtend<AsyncDisposable>()
    expectTypeOf<ReturnType<RedisServer['isolated']>>().toEqualTypeOf<Promise<RedisNamespace>>()
    expectTypeOf<ReturnType<RedisCluster['isolated']>>().toEqualTypeOf<Promise<RedisClusterNamespace>>()
    expectTypeOf<ReturnType<RedisClusterNamespace['client']>>().toEqualTypeOf<Cluster>()
    expectTypeOf<ReturnType<RedisSentinelNamespace['client']>>().toEqualTypeOf<Redis>()
    expectTypeOf<RedisServer['provider']>().toEqualTypeOf<'local' | 'external'>()
    expectTypeOf<ReturnType<typeof connectRedis>>().toEqualTypeOf<RedisServer>()
  })
})
