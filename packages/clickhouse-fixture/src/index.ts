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
export { clickhouseServerCommand, type ServerCommand } from './binaries.js'
export { ClickHouse, type ClickHouseConnectionInfo } from './clickhouse.js'
export { createClickHouseClient, type Endpoint, formatUrl, parseEndpoint } from './clients.js'
export { ClickHouseDatabase } from './database.js'
export {
  ClickHouseMigrationError,
  ClickHouseQueryError,
  parseServerError,
  type ServerErrorText,
} from './errors.js'
export { splitStatements } from './migrations.js'
export type { ClickHouseMigrate, ClickHouseOptions } from './options.js'
export { connectClickHouse, startClickHouse } from './start.js'
export type { XmlTree, XmlValue } from './xml.js'
