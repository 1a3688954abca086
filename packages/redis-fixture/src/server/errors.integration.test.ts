import { BinaryNotFoundError, InvalidOptionsError, PortInUseError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { startRedisCluster } from '../cluster/start.js'
import { startRedisSentinel } from '../sentinel/start.js'
import { startRedis } from './start.js'

describe('typed, actionable errors', () => {
  it('a missing redis-server names the env override and the install command', async () => {
    const saved = process.env.REDIS_SERVER_BIN
    process.env.REDIS_SERVER_BIN = '/nonexistent/redis-server'
    try {
      const err = await startRedis().catch((e: unknown) => e)
      expect(err).toBeInstanceOf(BinaryNotFoundError)
      expect((err as Error).message).toMatch(/REDIS_SERVER_BIN/)
      expect((err as Error).message).toMatch(/apt-get install redis-server redis-sentinel/)
    } finally {
      if (saved === undefined) delete process.env.REDIS_SERVER_BIN
      else process.env.REDIS_SERVER_BIN = saved
    }
  })

  it('bad options are rejected before anything starts', async () => {
    await expect(startRedis({ persistence: 'wal' as never })).rejects.toBeInstanceOf(InvalidOptionsError)
    await expect(startRedis({ maxclients: 0 })).rejects.toThrow(/maxclients/)
    await expect(startRedis({ maxmemory: 'lots' })).rejects.toThrow(/maxmemory/)
    await expect(startRedisSentinel({ sentinels: 0 })).rejects.toThrow(/sentinels/)
    await expect(startRedisCluster({ masters: 0 })).rejects.toThrow(/masters/)
  })

  it('a fixed port that is taken gives PortInUseError with the server output', async () => {
    await using first = await startRedis()
    const err = await startRedis({ port: first.port }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PortInUseError)
    expect((err as Error).message).toMatch(/in use/i)
  })
})
