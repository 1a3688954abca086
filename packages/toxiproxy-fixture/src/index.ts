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
export { type ProxyJson, type ToxicJson, ToxiproxyApi, ToxiproxyApiError } from './api-client.js'
export { cachedServerDir, TOXIPROXY_BIN_ENV, TOXIPROXY_VERSION, toxiproxyServerBinary } from './binary.js'
export { Link } from './link.js'
export type { PartitionOptions, ProxyOptions } from './link-set.js'
export type { ToxiproxyOptions } from './options.js'
export { ToxiproxyScope } from './scope.js'
export type { ProxyTarget } from './target.js'
export { type Direction, Toxic, type ToxicOptions, type ToxicType } from './toxic.js'
export type { LatencyOptions, SlicerOptions } from './toxic-options.js'
export {
  connectToxiproxy,
  startToxiproxy,
  Toxiproxy,
  type ToxiproxyConnectionInfo,
} from './toxiproxy.js'
