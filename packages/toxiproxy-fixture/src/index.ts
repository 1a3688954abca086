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
export { Link } from './links/link.js'
export type { PartitionOptions, ProxyOptions } from './links/link-set.js'
export { ToxiproxyScope } from './links/scope.js'
export type { ProxyTarget } from './links/target.js'
export type { ToxiproxyOptions } from './options.js'
export { type ProxyJson, type ToxicJson, ToxiproxyApi, ToxiproxyApiError } from './server/api-client.js'
export {
  cachedServerDir,
  TOXIPROXY_BIN_ENV,
  TOXIPROXY_VERSION,
  toxiproxyServerBinary,
} from './server/binary.js'
export { type Direction, Toxic, type ToxicOptions, type ToxicType } from './toxics/toxic.js'
export type { LatencyOptions, SlicerOptions } from './toxics/toxic-options.js'
export {
  connectToxiproxy,
  startToxiproxy,
  Toxiproxy,
  type ToxiproxyConnectionInfo,
} from './toxiproxy.js'
