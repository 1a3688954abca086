export { type ConnectOptions, connect, DEFAULT_CONNECT_TIMEOUT_MS, WsClient } from './client.js'
export {
  type CloseInfo,
  type ExpectationFailure,
  WsConnectError,
  WsExpectationError,
  WsGroupExpectationError,
  WsNotOpenError,
} from './errors.js'
export { DEFAULT_EXPECT_TIMEOUT_MS, type ExpectOptions } from './expect-options.js'
export { InboxView } from './inbox-view.js'
export { type DiffLine, diffPartial } from './json-diff.js'
export {
  type ConnectManyOptions,
  connectMany,
  DEFAULT_CONNECT_CONCURRENCY,
  type ExpectAllOptions,
  WsClientGroup,
} from './many.js'
export { type Matcher, type MatcherFn, matchValue } from './matcher.js'
export {
  type BroadcastMeasurement,
  type LatencyStats,
  type MeasureBroadcastOptions,
  type MeasureRoundtripOptions,
  measureBroadcast,
  measureRoundtrip,
  type RoundtripMeasurement,
  summarize,
} from './measure.js'
export type { WsMessage } from './message.js'
export { startWsServer, WsServer } from './server.js'
export { ServerConnection } from './server-connection.js'
export type { DropOptions, RestartOptions, WsServerOptions } from './server-options.js'
