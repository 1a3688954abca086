import { BinaryNotFoundError } from '@infra/fixture-core'
import { afterEach, describe, expect, it } from 'vitest'
import { redisSentinelBinary, redisServerBinary } from './binaries.js'

describe('binary resolution', () => {
  const saved = process.env.REDIS_SENTINEL_BIN
  afterEach(() => {
    if (saved === undefined) delete process.env.REDIS_SENTINEL_BIN
    else process.env.REDIS_SENTINEL_BIN = saved
  })

  it('a wrong env override is an actionable error, not a silent fallback', () => {
    process.env.REDIS_SENTINEL_BIN = '/nowhere/redis-sentinel'
    expect(() => redisSentinelBinary()).toThrow(BinaryNotFoundError)
    expect(() => redisSentinelBinary()).toThrow(
      /REDIS_SENTINEL_BIN.*apt-get install redis-server redis-sentinel/s,
    )
  })

  it('finds redis-server or says how to install it', () => {
    try {
      expect(redisServerBinary()).toMatch(/redis-server$/)
    } catch (err) {
      expect(err).toBeInstanceOf(BinaryNotFoundError)
    }
  })
})
