import { describe, expect, it } from 'vitest'
import { connectionEnv, tlsOf } from './connection-env.js'

describe('connectionEnv', () => {
  it('turns a URL into libpq variables, with the TLS ones when the URL asks for TLS', () => {
    const url = 'postgres://app:p%40ss@127.0.0.1:5433/db?sslmode=verify-full&sslrootcert=%2Ftmp%2Fca.crt'
    expect(connectionEnv(url)).toEqual({
      DATABASE_URL: url,
      PGHOST: '127.0.0.1',
      PGPORT: '5433',
      PGUSER: 'app',
      PGPASSWORD: 'p@ss',
      PGDATABASE: 'db',
      PGSSLMODE: 'verify-full',
      PGSSLROOTCERT: '/tmp/ca.crt',
    })
  })

  it('leaves out what the URL does not have', () => {
    expect(connectionEnv('postgres://127.0.0.1/')).toEqual({
      DATABASE_URL: 'postgres://127.0.0.1/',
      PGHOST: '127.0.0.1',
      PGPORT: '5432',
      PGUSER: 'postgres',
      PGDATABASE: 'postgres',
    })
    expect(tlsOf('postgres://127.0.0.1/')).toBeUndefined()
  })
})
