import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { resolveOptions } from './options.js'

function rejected(options: unknown, env: NodeJS.ProcessEnv = {}): InvalidOptionsError {
  try {
    resolveOptions(options as never, env)
  } catch (e) {
    if (e instanceof InvalidOptionsError) return e
    throw e
  }
  throw new Error('expected InvalidOptionsError')
}

describe('resolveOptions', () => {
  it('defaults to a local server with a small pool', () => {
    expect(resolveOptions({}, {})).toMatchObject({
      provider: 'local',
      poolSize: 3,
      durable: false,
      startTimeoutMs: 30_000,
      users: [],
    })
  })

  it('picks external when INFRA_MYSQL_URL is set, unless asked for local', () => {
    const env = { INFRA_MYSQL_URL: 'mysql://root:pw@db.example:3306/' }
    expect(resolveOptions({}, env)).toMatchObject({ provider: 'external', url: env.INFRA_MYSQL_URL })
    expect(resolveOptions({ provider: 'local' }, env)).toMatchObject({ provider: 'local', url: undefined })
  })

  it('throws on an unknown key, naming the nearest one', () => {
    const e = rejected({ migration: './m' })
    expect(e.option).toBe('migration')
    expect(e.message).toContain("Did you mean 'migrations'?")
  })

  it.each([
    [{ provider: 'docker' }, 'provider'],
    [{ provider: 'external' }, 'url'],
    [{ url: 'postgres://x/' }, 'url'],
    [{ poolSize: -1 }, 'poolSize'],
    [{ startTimeoutMs: 0 }, 'startTimeoutMs'],
    [{ migrations: 42 }, 'migrations'],
    [{ durable: 'yes' }, 'durable'],
    [{ port: 0 }, 'port'],
    [{ config: { 'bad name;': 1 } }, 'config.bad name;'],
    [{ config: { 'bind-address': '0.0.0.0' } }, 'config.bind-address'],
    [{ users: [{ name: 'app', pasword: 'x' }] }, 'users[0].pasword'],
    [{ users: [{ name: 'root', password: 'x' }] }, 'users[0].name'],
    [{ users: [{ name: 'app' }] }, 'users[0]'],
    [{ provider: 'external', url: 'mysql://h/', durable: true }, 'durable'],
  ])('rejects %j naming %s', (options, option) => {
    expect(rejected(options).option).toBe(option)
  })

  it('keeps a function as migrations', () => {
    const migrate = async () => {}
    expect(resolveOptions({ migrations: migrate }, {}).migrations).toBe(migrate)
  })
})
