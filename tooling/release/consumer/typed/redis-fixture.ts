// Typed usage of @infra/redis-fixture as a consumer writes it: type-checked by tsc --noEmit, not run.
import {
  connectRedis,
  type FixtureServer,
  type RedisConnectionInfo,
  type RedisNamespace,
  type RedisServer,
  type RedisServerOptions,
  startRedis,
} from '@infra/redis-fixture'

const options: RedisServerOptions = {}

export async function redisUsage(): Promise<RedisConnectionInfo> {
  await using redis: RedisServer = await startRedis(options)
  const client = redis.client()
  await client.set('k', 'v')
  const value: string | null = await client.get('k')
  client.disconnect()
  const namespace = await redis.isolated()
  void namespace
  redis.pause()
  redis.resume()
  await redis.restart()
  void value
  const env: Record<string, string> = redis.env()
  const shape: FixtureServer<RedisNamespace> = connectRedis(redis.connectionInfo)
  await shape.stop()
  void env
  return redis.connectionInfo
}
