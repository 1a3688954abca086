import { describe, expect, it } from 'vitest'
import { mergeEnv } from './env-merge.js'
import { parseServiceArg } from './request.js'

const pg = (name = 'pg', envPrefix?: string) => ({
  ...parseServiceArg('pg'),
  name,
  ...(envPrefix ? { envPrefix } : {}),
})

describe('mergeEnv', () => {
  it('keeps plain names for one of each kind', () => {
    const env = mergeEnv([
      { request: pg(), env: { DATABASE_URL: 'postgres://a' } },
      { request: parseServiceArg('redis'), env: { REDIS_URL: 'redis://b' } },
    ])
    expect(env).toEqual({ DATABASE_URL: 'postgres://a', REDIS_URL: 'redis://b' })
  })

  it('suffixes the second of a kind with _2', () => {
    const env = mergeEnv([
      { request: pg('a'), env: { DATABASE_URL: 'x', PGPORT: '1' } },
      { request: pg('b'), env: { DATABASE_URL: 'y', PGPORT: '2' } },
    ])
    expect(env).toEqual({ DATABASE_URL: 'x', PGPORT: '1', DATABASE_URL_2: 'y', PGPORT_2: '2' })
  })

  it('puts an envPrefix before every name, and reports a clash', () => {
    expect(mergeEnv([{ request: pg('orders', 'ORDERS_'), env: { DATABASE_URL: 'x' } }])).toEqual({
      ORDERS_DATABASE_URL: 'x',
    })
    expect(() =>
      mergeEnv([
        { request: pg('a', 'X_'), env: { DATABASE_URL: 'x' } },
        { request: pg('b', 'X_'), env: { DATABASE_URL: 'y' } },
      ]),
    ).toThrow(/'a' and 'b' both export X_DATABASE_URL/)
  })
})
