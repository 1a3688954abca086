// Typed usage of @infra/clickhouse-fixture as a consumer writes it: type-checked by tsc --noEmit, not run.
import {
  type ClickHouse,
  type ClickHouseConnectionInfo,
  ClickHouseDatabase,
  type ClickHouseOptions,
  ClickHouseQueryError,
  connectClickHouse,
  startClickHouse,
} from '@infra/clickhouse-fixture'
import {
  type ClickHouseFixtures,
  clickhouseGlobalSetup,
  createClickHouseFixtures,
} from '@infra/clickhouse-fixture/vitest'

const options: ClickHouseOptions = { poolSize: 1 }

export async function clickhouseUsage(): Promise<ClickHouseConnectionInfo> {
  await using clickhouse: ClickHouse = await startClickHouse(options)
  const db: ClickHouseDatabase = await clickhouse.isolated()
  await db.command('CREATE TABLE t (id UInt32) ENGINE = Memory')
  await db.insert('t', [{ id: 1 }])
  const rows: { n: string }[] = await db.query<{ n: string }>('SELECT count() AS n FROM t')
  await db.release()
  const attached: ClickHouse = connectClickHouse(clickhouse.connectionInfo)
  await attached.stop()
  void rows
  return clickhouse.connectionInfo
}

export const isQueryError = (error: unknown): boolean => error instanceof ClickHouseQueryError
export const isDatabase = (value: unknown): boolean => value instanceof ClickHouseDatabase
export const setup = clickhouseGlobalSetup(options)
export const fixtures = createClickHouseFixtures()
export type DatabaseName = ClickHouseFixtures['clickhouse']['name']
