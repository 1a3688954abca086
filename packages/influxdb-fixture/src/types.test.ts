import type { FixtureServer } from '@infra/fixture-core'
import { describe, expectTypeOf, it } from 'vitest'
import type { InfluxDatabase } from './database/database.js'
import type { InfluxDB } from './influxdb.js'
import type { InfluxFixtures } from './vitest.js'

describe('the one fixture shape', () => {
  it('InfluxDB is a FixtureServer whose isolated resource is an InfluxDatabase', () => {
    expectTypeOf<InfluxDB>().toExtend<FixtureServer<InfluxDatabase>>()
    expectTypeOf<Awaited<ReturnType<InfluxDB['isolated']>>>().toEqualTypeOf<InfluxDatabase>()
    expectTypeOf<Awaited<ReturnType<InfluxDB['database']>>>().toEqualTypeOf<InfluxDatabase>()
    expectTypeOf<InfluxDatabase>().toExtend<AsyncDisposable>()
  })

  it('the vitest fixtures are typed', () => {
    expectTypeOf<InfluxFixtures['influx']>().toEqualTypeOf<InfluxDatabase>()
    expectTypeOf<InfluxFixtures['influxServer']>().toEqualTypeOf<InfluxDB>()
  })
})
