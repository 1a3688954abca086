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
export { type ConnectOptions, connect, DEFAULT_CONNECT_TIMEOUT_MS, WsClient } from './client/client.js'
export {
  type ConnectManyOptions,
  connectMany,
  DEFAULT_CONNECT_CONCURRENCY,
  type ExpectAllOptions,
  WsClientGroup,
} from './client/many.js'
export type { WsMessage } from './client/message.js'
export {
  type CloseInfo,
  type ExpectationFailure,
  WsConnectError,
  WsExpectationError,
  WsGroupExpectationError,
  WsNotOpenError,
} from './errors.js'
export { DEFAULT_EXPECT_TIMEOUT_MS, type ExpectOptions } from './expect/await-match.js'
export { InboxView } from './expect/inbox-view.js'
export { type DiffLine, diffPartial } from './expect/json-diff.js'
export { type Matcher, type MatcherFn, matchValue } from './expect/matcher.js'
export {
  type BroadcastMeasurement,
  type LatencyStats,
  type MeasureBroadcastOptions,
  type MeasureRoundtripOptions,
  measureBroadcast,
  measureRoundtrip,
  type RoundtripMeasurement,
  summarize,
} from './measure/measure.js'
export {
  attachWsServer,
  type SharedWsServer,
  type WsConnectionInfo,
} from './server/attached-server.js'
export { startWsServer, WsServer } from './server/server.js'
export { ServerConnection } from './server/server-connection.js'
export type { DropOptions, RestartOptions, WsServerOptions } from './server/server-options.js'
