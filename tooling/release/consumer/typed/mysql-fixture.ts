// Typed usage of @infra/mysql-fixture as a consumer writes it: type-checked by tsc --noEmit, not run.
import {
  attachMysql,
  InvalidOptionsError,
  type Mysql,
  type MysqlConnectionInfo,
  type MysqlOptions,
  startMysql,
  type TestDatabase,
} from '@infra/mysql-fixture'
import { createMysqlFixtures, type MysqlFixtures, mysqlGlobalSetup } from '@infra/mysql-fixture/vitest'

const options: MysqlOptions = { poolSize: 2 }

export async function mysqlUsage(): Promise<MysqlConnectionInfo> {
  await using mysql: Mysql = await startMysql(options)
  await using db: TestDatabase = await mysql.isolated()
  const url: string = db.url
  const env: Record<string, string> = mysql.env()
  const attached: Mysql = attachMysql(mysql.connectionInfo)
  await attached.stop()
  void url
  void env
  return mysql.connectionInfo
}

export const isOptionsError = (error: unknown): boolean => error instanceof InvalidOptionsError
export const setup = mysqlGlobalSetup(options)
export const fixtures = createMysqlFixtures()
export type DatabaseName = MysqlFixtures['db']['name']
