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
export {
  type PoolStats,
  type PostgresConnectionInfo,
  poolStats,
  type TestDatabase,
  type TestSchema,
  type TestTransaction,
} from './connection/handles.js'
export { MigrationError } from './errors.js'
export type { MigrateFn, PostgresOptions } from './options.js'
export type { PostgresUser } from './security/auth.js'
export {
  embeddedAliasLine,
  embeddedPackageName,
  PG_MAJORS,
  type PgBinaries,
  type PgMajor,
  resolvePgBinaries,
} from './server/binaries.js'
export { Postgres } from './server/postgres.js'
export { type ConnectPostgresOptions, connectPostgres, startPostgres } from './server/start.js'
