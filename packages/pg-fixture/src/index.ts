export { embeddedPackageName, type PgBinaries, resolvePgBinaries } from './binaries.js'
export { MigrationError, UnsupportedOperationError } from './errors.js'
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
export { attachPostgres, startPostgres } from './start.js'
