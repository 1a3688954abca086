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
export { linesBody, type Precision, type QueryOptions, quoteIdent, type WriteOptions } from './api.js'
export { influxdBinary } from './binaries.js'
export { InfluxDatabase } from './database.js'
export { InfluxDBError } from './errors.js'
export { type InfluxConnectionInfo, InfluxDB } from './influxdb.js'
export type { InfluxDBOptions, RetentionOptions } from './options.js'
export {
  type InfluxRow,
  type InfluxSeries,
  type InfluxStatementResult,
  nanosToRfc3339,
  rfc3339ToNanos,
} from './results.js'
export { connectInfluxDB, startInfluxDB } from './start.js'
export type { TomlConfig, TomlScalar } from './toml.js'
