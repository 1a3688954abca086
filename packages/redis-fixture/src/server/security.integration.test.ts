// What another local user can reach: the loopback port, and it wants the per-run password that only
// whoever holds `.url` has. As root, the server runs as the unprivileged user, not as root.
import { UNPRIVILEGED_USER, unprivilegedUser } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processUid, rawCommand as raw } from '../test-support/unauthenticated.js'
import type { RedisServer } from './redis-server.js'
import { startRedis } from './start.js'

let redis: RedisServer
beforeAll(async () => {
  redis = await startRedis()
})
afterAll(async () => {
  await redis?.stop()
})

describe('a local Redis is not open to every local user', () => {
  it('without the password every command is refused; .url and env() carry it', async () => {
    expect(redis.password).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    expect(await raw(redis.port, 'GET k')).toMatch(/^-NOAUTH/)
    expect(await raw(redis.port, 'CONFIG GET dir')).toMatch(/^-NOAUTH/)
    expect(new URL(redis.url).password).toBe(redis.password)
    expect(redis.env().REDIS_URL).toBe(redis.url)
    expect(await redis.client().ping()).toBe('PONG')
    await using ns = await redis.isolated()
    expect(await ns.client().ping()).toBe('PONG')
  })

  it('each server has its own password; an explicit password option still wins', async () => {
    await using other = await startRedis({ password: 'chosen-by-the-test' })
    expect(other.password).toBe('chosen-by-the-test')
    expect(other.password).not.toBe(redis.password)
    expect(await other.client().ping()).toBe('PONG')
  })

  it.runIf(process.getuid?.() === 0)('as root, the server runs as the unprivileged user', () => {
    const uid = processUid(redis.pid!)
    expect(uid).toBe(unprivilegedUser()!.uid)
    expect(uid).not.toBe(0)
    expect(UNPRIVILEGED_USER).toBeTruthy()
  })
})
