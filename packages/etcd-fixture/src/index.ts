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
export { ETCD_BIN_ENV, etcdBinary, etcdVersion } from './binary.js'
export { DEFAULT_CALL_DEADLINE_MS, testClientOptions } from './clients.js'
export type { EtcdMember, LeaderInfo } from './cluster-state.js'
export { Etcd, type EtcdConnectionInfo } from './etcd.js'
export {
  type EtcdNodeAddress,
  etcdArgs,
  type NodeLaunch,
  type PeerUrlMapper,
  planNodes,
} from './etcd-args.js'
export type { EtcdNamespace } from './namespace.js'
export type { NetworkFaults, PartitionOptions, PeerLinkScope } from './network-faults.js'
export type { EtcdLogLevel, EtcdOptions, EtcdProvider } from './options.js'
export { connectEtcd, EXTERNAL_ENDPOINTS_ENV, parseEndpoints, startEtcd } from './start-etcd.js'
export {
  defaultTimings,
  ETCD_DEFAULT_TIMINGS,
  type RaftTimings,
  SINGLE_NODE_TIMINGS,
  TUNED_TIMINGS,
} from './timings.js'
