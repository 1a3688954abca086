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
export {
  linesBody,
  type Precision,
  type QueryOptions,
  quoteIdent,
  type WriteOptions,
} from './database/api.js'
export { InfluxDatabase } from './database/database.js'
export {
  type InfluxRow,
  type InfluxSeries,
  type InfluxStatementResult,
  nanosToRfc3339,
  rfc3339ToNanos,
} from './database/results.js'
export { InfluxDBError } from './errors.js'
export { type InfluxConnectionInfo, InfluxDB } from './influxdb.js'
export type { InfluxDBOptions, RetentionOptions } from './options.js'
export { influxdBinary } from './server/binaries.js'
export type { TomlConfig, TomlScalar } from './server/toml.js'
export { connectInfluxDB, startInfluxDB } from './start.js'
