// Typed usage of @infra/pg-fixture as a consumer writes it: type-checked by tsc --noEmit, not run.
import {
  connectPostgres,
  type FixtureServer,
  type Postgres,
  type PostgresConnectionInfo,
  type PostgresOptions,
  startPostgres,
  type TestDatabase,
} from '@infra/pg-fixture'
import { createPgFixtures, type PgFixtures, postgresGlobalSetup } from '@infra/pg-fixture/vitest'

const options: PostgresOptions = { migrations: './migrations', poolSize: 2, startTimeoutMs: 30_000 }

export async function pgUsage(): Promise<PostgresConnectionInfo> {
  await using pg: Postgres = await startPostgres(options)
  await using db: TestDatabase = await pg.database()
  const url: string = db.url
  await pg.pause()
  await pg.resume()
  await pg.restart()
  void url
  const env: Record<string, string> = pg.env()
  const shape: FixtureServer<TestDatabase> = connectPostgres(pg.connectionInfo, { poolSize: 1 })
  await shape.stop()
  void env
  return pg.connectionInfo
}

export const setup = postgresGlobalSetup(options)
export const fixtures = createPgFixtures({ poolMax: 2 })
export type Context = PgFixtures['db']['name']
