// Type-level checks (tsc): the handle has the one fixture shape, and its isolated resource is disposable.
import type { FixtureServer } from '@infra/fixture-core'
import { describe, expectTypeOf, it } from 'vitest'
import type { TestDatabase } from './connection/handles.js'
import type { Postgres } from './server/postgres.js'
import type { connectPostgres, startPostgres } from './server/start.js'

describe('Postgres has the fixture shape', () => {
  it('satisfies FixtureServer<TestDatabase>', () => {
    expectTypeOf<Postgres>().toExtend<FixtureServer<TestDatabase>>()
    expectTypeOf<Awaited<ReturnType<Postgres['isolated']>>>().toEqualTypeOf<TestDatabase>()
    expectTypeOf<TestDatabase>().toExtend<AsyncDisposable>()
    expectTypeOf<Postgres['provider']>().toEqualTypeOf<'local' | 'external'>()
    expectTypeOf<ReturnType<typeof startPostgres>>().toEqualTypeOf<Promise<Postgres>>()
    expectTypeOf<ReturnType<typeof connectPostgres>>().toEqualTypeOf<Postgres>()
  })
})

describe('server start options', () => {
  it('version, tls, password and users are typed', () => {
    type Options = NonNullable<Parameters<typeof startPostgres>[0]>
    expectTypeOf<{ version: 16 }>().toExtend<Options>()
    expectTypeOf<{ version: '14' }>().toExtend<Options>()
    expectTypeOf<{ version: 13 }>().not.toExtend<Options>()
    expectTypeOf<{ tls: { require: true } }>().toExtend<Options>()
    expectTypeOf<{
      users: [{ name: 'a'; password: 'b'; auth: 'md5'; superuser: true }]
    }>().toExtend<Options>()
    expectTypeOf<{ users: [{ name: 'a'; password: 'b'; auth: 'trust' }] }>().not.toExtend<Options>()
    expectTypeOf<Postgres['userUrl']>().toEqualTypeOf<(name: string, database?: string) => string>()
    expectTypeOf<Postgres['tls']>().toEqualTypeOf<{ ca: string; caFile: string } | undefined>()
  })
})
