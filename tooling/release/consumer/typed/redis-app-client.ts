// The app's own ioredis (5 in one consumer project, 6 in the other) and @infra/redis-fixture's clients are
// the same type: ioredis is a peer dependency of the fixture, so its clients come from the app's ioredis.
import type { RedisNamespace, RedisServer } from '@infra/redis-fixture'
import { startRedis } from '@infra/redis-fixture'
import { type Cluster, Redis } from 'ioredis'

/** Code under test that takes the app's ioredis client. */
export async function countOrders(client: Redis): Promise<number> {
  return client.incr('orders')
}

export async function appWithFixtureClients(): Promise<number> {
  await using redis: RedisServer = await startRedis()
  await using namespace: RedisNamespace = await redis.isolated()
  const fromNamespace: Redis = namespace.client()
  const fromServer: Redis = redis.client()
  const own = new Redis(namespace.url)
  const sum = (await countOrders(fromNamespace)) + (await countOrders(fromServer)) + (await countOrders(own))
  own.disconnect()
  return sum
}

export type AppCluster = Cluster
