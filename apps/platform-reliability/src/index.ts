export { type Anomaly, detectAnomalies, zScore } from './analytics/anomaly.js'
export { type Bucket, EventStore, type MetricEvent, quote, toDateTime } from './analytics/event-store.js'
export { MetricsHub, type MetricsHubOptions, type MetricsMessage } from './analytics/metrics-hub.js'
export { CachedAccounts } from './cache/cached-accounts.js'
export { type CacheMetrics, TwoLevelCache, type TwoLevelCacheOptions } from './cache/two-level-cache.js'
export { type Account, AccountsRepository, type Transfer, TransferError } from './db/accounts-repository.js'
export { clickhouseMigrationsDir, migrationsDir } from './db/migrate.js'
export { withTransaction } from './db/transaction.js'
export {
  type BreakerState,
  BrokenCircuitError,
  DependencyError,
  GuardedClient,
  type GuardedClientOptions,
  TaskCancelledError,
} from './resilience/guarded-client.js'
export {
  type DeadLetter,
  type EnqueueOptions,
  type TaskHandler,
  TaskQueue,
  type TaskQueueOptions,
  type TaskWorkerOptions,
} from './tasks/task-queue.js'
export { type ErrorGroup, ErrorGroups } from './tracing/error-groups.js'
export { fingerprint, normalizeMessage, topFrames } from './tracing/fingerprint.js'
export {
  type Order,
  type OrderApi,
  type OrderJob,
  startOrderApi,
  startOrderWorker,
} from './tracing/order-pipeline.js'
export { type Carrier, extract, inject, ServiceTracing, type TracingOptions } from './tracing/tracing.js'
