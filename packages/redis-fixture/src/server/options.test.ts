import { checkOptions, InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { startRedisCluster } from '../cluster/start.js'
import { startRedisSentinel } from '../sentinel/start.js'
import { createRedisFixtures, redisGlobalSetup } from '../vitest.js'
import { type RedisServerOptions, SERVER_OPTIONS } from './options.js'
import { RedisServer } from './redis-server.js'
import { connectRedis, startRedis } from './start.js'

const validateServerOptions = (o: RedisServerOptions) => checkOptions('startRedis()', o, SERVER_OPTIONS)

describe('startRedis() options', () => {
  it('accepts the defaults and a full set of valid options', () => {
    expect(() => validateServerOptions({})).not.toThrow()
    expect(() =>
      validateServerOptions({
        persistence: 'aof',
        appendfsync: 'always',
        password: 'p w',
        users: [{ name: 'app', password: 'x', rules: '~app:* +@all' }],
        maxmemory: '64mb',
        maxmemoryPolicy: 'allkeys-lru',
        maxclients: 10,
        databases: 32,
        config: { 'notify-keyspace-events': 'Ex', hz: 50, 'lazyfree-lazy-user-flush': true },
        isolation: 'prefix',
      }),
    ).not.toThrow()
  })

  it.each([
    [{ provider: 'docker' }, 'provider'],
    [{ url: 'http://x' }, 'url'],
    [{ url: 'not a url' }, 'url'],
    [{ port: 70000 }, 'port'],
    [{ persistence: 'wal' }, 'persistence'],
    [{ appendfsync: 'sometimes' }, 'appendfsync'],
    [{ password: '' }, 'password'],
    [{ password: 'a\nb' }, 'password'],
    [{ users: [{ name: 'default', password: 'x' }] }, 'users[0].name'],
    [{ users: [{ name: 'a', password: 'has space' }] }, 'users[0].password'],
    [{ maxmemory: '10 parsecs' }, 'maxmemory'],
    [{ maxmemoryPolicy: 'lru' }, 'maxmemoryPolicy'],
    [{ maxclients: 0 }, 'maxclients'],
    [{ databases: 2 }, 'databases'],
    [{ config: { 'Bad Key': 1 } }, 'config.Bad Key'],
    [{ config: { save: 'x\ny' } }, 'config.save'],
    [{ isolation: 'schema' }, 'isolation'],
    [{ stopGraceMs: -1 }, 'stopGraceMs'],
    [{ version: '7.x' }, 'version'],
    [{ version: 'keydb-6' }, 'version'],
  ])('rejects %j naming %s', (opts, option) => {
    try {
      validateServerOptions(opts as never)
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidOptionsError)
      expect((err as InvalidOptionsError).option).toBe(option)
    }
  })
})

describe('unknown option keys throw InvalidOptionsError naming the key (and the nearest valid one)', () => {
  it.each([
    ['startRedis', () => startRedis({ prot: 6380 } as never), 'prot', /Did you mean 'port'\?/],
    [
      'startRedisSentinel',
      () => startRedisSentinel({ sentinel: 3 } as never),
      'sentinel',
      /Did you mean 'sentinels'\?/,
    ],
    [
      'startRedisSentinel server',
      () => startRedisSentinel({ server: { maxclient: 3 } } as never),
      'server.maxclient',
      /Did you mean 'maxclients'\?/,
    ],
    [
      'startRedisCluster',
      () => startRedisCluster({ basePorts: 7000 } as never),
      'basePorts',
      /Did you mean 'basePort'\?/,
    ],
    [
      'startRedisCluster server',
      () => startRedisCluster({ server: { databases: 4 } } as never),
      'server.databases',
      /not an option of startRedisCluster\(\{ server \}\)/,
    ],
  ])('%s', async (_name, start, key, hint) => {
    const err = await start().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect((err as InvalidOptionsError).option).toBe(key)
    expect((err as Error).message).toMatch(hint)
  })

  it('in the vitest entry points, isolated({ mode }) and connectRedis(info)', async () => {
    expect(() => createRedisFixtures({ databse: 8 } as never)).toThrow(/Did you mean 'databases'\?/)
    expect(() => redisGlobalSetup({ isolaton: 'db' } as never)).toThrow(/Did you mean 'isolation'\?/)
    const info = {
      provider: 'local',
      url: 'redis://127.0.0.1:1',
      host: '127.0.0.1',
      port: 1,
      isolation: 'prefix',
    } as const
    expect(() => connectRedis({ ...info, prot: 2 } as never)).toThrow(/'info.prot'.*Did you mean 'port'\?/s)
    expect(() => connectRedis({ ...info, isolation: undefined } as never)).toThrow(/info.isolation/)
    const server = connectRedis(info)
    await expect(server.isolated({ mod: 'prefix' } as never)).rejects.toThrow(/Did you mean 'mode'\?/)
    await expect(server.isolated({ mode: 'schema' } as never)).rejects.toThrow(InvalidOptionsError)
    expect(server).toBeInstanceOf(RedisServer)
    await server.stop()
  })
})
