export { redisCliBinary, redisSentinelBinary, redisSentinelCommand, redisServerBinary } from './binaries.js'
export {
  type ConnectTarget,
  createRedisClient,
  formatRedisUrl,
  parseRedisUrl,
  TEST_CLIENT_DEFAULTS,
} from './client-factory.js'
export { parseClientList, type RedisClientInfo } from './client-list.js'
export {
  CLUSTER_SLOTS,
  type ClusterNode,
  RedisCluster,
  type RedisClusterOptions,
  type SlotRange,
  splitSlots,
  startRedisCluster,
} from './cluster.js'
export { parseInfo } from './info.js'
export type { RedisNamespace } from './namespace.js'
export {
  EVICTION_POLICIES,
  type EvictionPolicy,
  type Persistence,
  type RedisAclUser,
  type RedisServerOptions,
} from './options.js'
export {
  connectRedis,
  type IsolatedOptions,
  type Isolation,
  type RedisConnectionInfo,
  RedisServer,
  startRedis,
} from './redis-server.js'
export {
  type DataNodeOptions,
  type HostPort,
  type KillMasterResult,
  RedisSentinel,
  type RedisSentinelOptions,
  type SentinelDataNode,
  startRedisSentinel,
} from './sentinel.js'
