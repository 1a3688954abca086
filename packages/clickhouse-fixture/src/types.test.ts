import type { FixtureServer } from '@infra/fixture-core'
import { describe, expectTypeOf, it } from 'vitest'
import type { ClickHouse } from './clickhouse.js'
import type { ClickHouseDatabase } from './database/database.js'
import type { ClickHouseFixtures } from './vitest.js'

describe('the one fixture shape', () => {
  it('ClickHouse is a FixtureServer whose isolated resource is a ClickHouseDatabase', () => {
    expectTypeOf<ClickHouse>().toExtend<FixtureServer<ClickHouseDatabase>>()
    expectTypeOf<Awaited<ReturnType<ClickHouse['isolated']>>>().toEqualTypeOf<ClickHouseDatabase>()
    expectTypeOf<Awaited<ReturnType<ClickHouse['database']>>>().toEqualTypeOf<ClickHouseDatabase>()
    expectTypeOf<ClickHouseDatabase>().toExtend<AsyncDisposable>()
    expectTypeOf<ReturnType<ClickHouse['env']>>().toEqualTypeOf<Record<string, string>>()
  })

  it('the vitest fixtures are typed', () => {
    expectTypeOf<ClickHouseFixtures['clickhouse']>().toEqualTypeOf<ClickHouseDatabase>()
    expectTypeOf<ClickHouseFixtures['clickhouseServer']>().toEqualTypeOf<ClickHouse>()
  })
})
