export {
  BinaryNotFoundError,
  EnvironmentError,
  FixtureError,
  FixtureStateError,
  InvalidOptionsError,
  PortInUseError,
  ProcessExitedError,
  StartupTimeoutError,
  UnsupportedOperationError,
  WaitTimeoutError,
} from '@infra/fixture-core'
export { MigrationError } from './errors.js'
export type { MysqlConnectionInfo, ProcessInfo, TestDatabase } from './handles.js'
export { Mysql } from './mysql.js'
export type { MigrateFn, MysqlOptions, MysqlUser } from './options.js'
export { type MariadbBinaries, resolveMariadb } from './server/binaries.js'
export { attachMysql, startMysql } from './start.js'
