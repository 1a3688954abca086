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
export { ClickHouse, type ClickHouseConnectionInfo } from './clickhouse.js'
export { createClickHouseClient, type Endpoint, formatUrl, parseEndpoint } from './client/clients.js'
export { ClickHouseDatabase } from './database/database.js'
export { splitStatements } from './database/migrations.js'
export {
  ClickHouseMigrationError,
  ClickHouseQueryError,
  parseServerError,
  type ServerErrorText,
} from './errors.js'
export type { ClickHouseMigrate, ClickHouseOptions } from './options.js'
export { clickhouseServerCommand, type ServerCommand } from './server/binaries.js'
export type { XmlTree, XmlValue } from './server/xml.js'
export { connectClickHouse, startClickHouse } from './start.js'
