import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { validateServerOptions } from './options.js'

describe('validateServerOptions', () => {
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
