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
export { DEFAULT_CALL_DEADLINE_MS, testClientOptions } from './client/clients.js'
export type { EtcdNamespace } from './client/namespace.js'
export { ETCD_BIN_ENV, etcdBinary, etcdVersion } from './cluster/binary.js'
export type { EtcdMember, LeaderInfo } from './cluster/cluster-state.js'
export {
  type EtcdNodeAddress,
  etcdArgs,
  type NodeLaunch,
  type PeerUrlMapper,
  planNodes,
} from './cluster/etcd-args.js'
export {
  defaultTimings,
  ETCD_DEFAULT_TIMINGS,
  type RaftTimings,
  SINGLE_NODE_TIMINGS,
  TUNED_TIMINGS,
} from './cluster/timings.js'
export { Etcd, type EtcdConnectionInfo } from './etcd.js'
export type { NetworkFaults, PartitionOptions, PeerLinkScope } from './faults/network-faults.js'
export type { EtcdLogLevel, EtcdOptions, EtcdProvider } from './options.js'
export { connectEtcd, EXTERNAL_ENDPOINTS_ENV, parseEndpoints, startEtcd } from './start-etcd.js'
