export {
  BinaryNotFoundError,
  EnvironmentError,
  FixtureError,
  type FixtureServer,
  FixtureStateError,
  InvalidOptionsError,
  PortInUseError,
  ProcessExitedError,
  type Provider,
  StartupTimeoutError,
  UnsupportedOperationError,
  WaitTimeoutError,
} from '@infra/fixture-core'
export type { PostgresUser } from './auth.js'
export {
  embeddedAliasLine,
  embeddedPackageName,
  PG_MAJORS,
  type PgBinaries,
  type PgMajor,
  resolvePgBinaries,
} from './binaries.js'
export { MigrationError } from './errors.js'
export {
  type PoolStats,
  type PostgresConnectionInfo,
  poolStats,
  type TestDatabase,
  type TestSchema,
  type TestTransaction,
} from './handles.js'
export type { MigrateFn, PostgresOptions } from './options.js'
export { Postgres } from './postgres.js'
export { type ConnectPostgresOptions, connectPostgres, startPostgres } from './start.js'
