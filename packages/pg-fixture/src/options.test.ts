import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { resolveOptions } from './options.js'
import { connectPostgres } from './server/start.js'

describe('resolveOptions', () => {
  it('defaults to a local provider with a small pool', () => {
    const o = resolveOptions({}, {})
    expect(o).toMatchObject({ provider: 'local', poolSize: 3, durable: false, startTimeoutMs: 30_000 })
  })

  it('picks external when INFRA_PG_URL is set', () => {
    const o = resolveOptions({}, { INFRA_PG_URL: 'postgres://u@h:5432/db' })
    expect(o.provider).toBe('external')
    expect(o.url).toBe('postgres://u@h:5432/db')
  })

  it('keeps local when asked explicitly even with INFRA_PG_URL set', () => {
    expect(resolveOptions({ provider: 'local' }, { INFRA_PG_URL: 'postgres://h/db' }).provider).toBe('local')
  })

  it.each([
    [{ provider: 'docker' }, 'provider'],
    [{ provider: 'external' }, 'url'],
    [{ provider: 'external', url: 'http://x' }, 'url'],
    [{ poolSize: -1 }, 'poolSize'],
    [{ poolSize: 1.5 }, 'poolSize'],
    [{ startTimeoutMs: Number.POSITIVE_INFINITY }, 'startTimeoutMs'],
    [{ startTimeoutMs: 0 }, 'startTimeoutMs'],
    [{ migrations: '' }, 'migrations'],
    [{ migrate: 'create table x()' }, 'migrate'],
    [{ durable: 'yes' }, 'durable'],
    [{ config: { 'bad name;': 1 } }, 'config.bad name;'],
    [{ config: { port: 5432 } }, 'config.port'],
    [{ nonsense: true }, 'nonsense'],
    [{ config: { max_connections: [1] } }, 'config.max_connections'],
    [{ version: 13 }, 'version'],
    [{ version: '17.2' }, 'version'],
    [{ tls: 'yes' }, 'tls'],
    [{ tls: { requires: true } }, 'tls.requires'],
    [{ password: '' }, 'password'],
    [{ password: 'a\0b' }, 'password'],
    [{ users: {} }, 'users'],
    [{ users: [{ name: 'app' }] }, 'users[0].password'],
    [{ users: [{ name: 'App', password: 'x' }] }, 'users[0].name'],
    [{ users: [{ name: 'a; drop', password: 'x' }] }, 'users[0].name'],
    [{ users: [{ name: 'postgres', password: 'x' }] }, 'users[0].name'],
    [{ users: [{ name: 'a', password: 'x', auth: 'trust' }] }, 'auth'],
    [{ users: [{ name: 'a', password: 'x', role: 'admin' }] }, 'role'],
    [
      {
        users: [
          { name: 'a', password: 'x' },
          { name: 'a', password: 'y' },
        ],
      },
      'users[1].name',
    ],
    [{ provider: 'external', url: 'postgres://h/db', tls: true }, 'tls'],
    [{ provider: 'external', url: 'postgres://h/db', users: [] }, 'users'],
  ])('rejects %j naming %s', (opts, option) => {
    let err: unknown
    try {
      resolveOptions(opts as never, {})
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect((err as Error).message).toContain(option)
  })

  it('reads version, tls, password and users', () => {
    expect(resolveOptions({ version: '16' }, {}).version).toBe(16)
    expect(resolveOptions({ version: 15 }, {}).version).toBe(15)
    expect(resolveOptions({}, {}).version).toBeUndefined()
    expect(resolveOptions({ tls: true }, {}).tls).toEqual({ require: false })
    expect(resolveOptions({ tls: { require: true } }, {}).tls).toEqual({ require: true })
    expect(resolveOptions({ tls: false }, {}).tls).toBeUndefined()
    const users = [{ name: 'app', password: 'p', auth: 'md5' as const }]
    expect(resolveOptions({ password: 'pw', users }, {})).toMatchObject({ password: 'pw', users })
  })

  it('resolves relative path settings against the cwd given, and only those', () => {
    const o = resolveOptions(
      {
        config: {
          hba_file: 'conf/pg_hba.conf',
          ssl_key_file: '/abs/k.pem',
          log_line_prefix: 'x/y',
          ssl: true,
        },
      },
      {},
      'startPostgres()',
      '/work/app',
    )
    expect(o.config).toEqual({
      hba_file: '/work/app/conf/pg_hba.conf',
      ssl_key_file: '/abs/k.pem',
      log_line_prefix: 'x/y',
      ssl: 'on',
    })
  })

  it('renders config values as server settings', () => {
    expect(resolveOptions({ config: { max_connections: 300, jit: false } }, {}).config).toEqual({
      max_connections: '300',
      jit: 'off',
    })
  })
})

describe('unknown option keys', () => {
  it.each([
    [{ poolsize: 2 }, 'poolsize', 'poolSize'],
    [{ migration: './m' }, 'migration', 'migrations'],
    [{ startTimeout: 5 }, 'startTimeout', 'startTimeoutMs'],
  ])('startPostgres(%j) names the key and the nearest valid one', (opts, key, near) => {
    const err = (() => {
      try {
        resolveOptions(opts as never, {})
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect((err as InvalidOptionsError).option).toBe(key)
    expect((err as Error).message).toContain(`Did you mean '${near}'?`)
    expect((err as Error).message).toContain('startPostgres()')
  })

  it('connectPostgres() checks its options and the connection info before connecting', () => {
    const info = {
      provider: 'local',
      url: 'postgres://u@h:1/postgres',
      template: 'infra_tpl_x',
      serverVersionNum: 1,
    } as const
    expect(() => connectPostgres(info, { poolsize: 1 } as never)).toThrow(/Did you mean 'poolSize'\?/)
    expect(() => connectPostgres({ ...info, url: 'mysql://h' })).toThrow(InvalidOptionsError)
    expect(() => connectPostgres({ ...info, template: undefined } as never)).toThrow(/info.template/)
  })
})
