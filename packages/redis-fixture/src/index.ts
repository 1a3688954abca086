export {
  BinaryNotFoundError,
  EnvironmentError,
  FixtureError,
  type FixtureServer,
  FixtureStateError,
  InvalidOptionsError,
  PortInUseError,
  ProcessExitedError,
  type Provider,
  StartupTimeoutError,
  UnsupportedOperationError,
  WaitTimeoutError,
} from '@infra/fixture-core'
export {
  type ConnectTarget,
  createRedisClient,
  formatRedisUrl,
  parseRedisUrl,
  TEST_CLIENT_DEFAULTS,
} from './client/client-factory.js'
export { parseClientList, parseInfo, type RedisClientInfo } from './client/server-info.js'
export { type ClusterNode, RedisCluster, type SlotRange } from './cluster/cluster.js'
export { CLUSTER_SLOTS, type RedisClusterOptions, splitSlots, startRedisCluster } from './cluster/start.js'
export type {
  Isolation,
  RedisClusterNamespace,
  RedisKeyspace,
  RedisNamespace,
  RedisSentinelNamespace,
} from './isolation/namespace.js'
export {
  redisCliBinary,
  redisSentinelBinary,
  redisSentinelCommand,
  redisServerBinary,
} from './node/binaries.js'
export {
  listRedisServers,
  type RedisProduct,
  type RedisServerBuild,
  resolveRedisServer,
} from './node/servers.js'
export {
  type HostPort,
  type KillMasterResult,
  RedisSentinel,
  type SentinelDataNode,
} from './sentinel/sentinel.js'
export { type RedisSentinelOptions, startRedisSentinel } from './sentinel/start.js'
export {
  type DataNodeOptions,
  EVICTION_POLICIES,
  type EvictionPolicy,
  type Persistence,
  type RedisAclUser,
  type RedisServerOptions,
} from './server/options.js'
export { type IsolatedOptions, type RedisConnectionInfo, RedisServer } from './server/redis-server.js'
export { connectRedis, startRedis } from './server/start.js'
