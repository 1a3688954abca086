export { ChatService, type ChatServiceOptions, type ReportedError } from './chat-service.js'
export { type ChatMessage, MessagesRepository } from './db/messages-repository.js'
export {
  createMessagePool,
  POOL_SETTINGS,
  poolStats,
  QUERY_TIMEOUT_MS,
  STATEMENT_TIMEOUT_S,
} from './db/pool.js'
export { DependencyUnavailableError, RequestError, withDeadline } from './errors.js'
export { CONFIG_KEY, ConfigWatch, type FanoutConfig } from './etcd/config-watch.js'
export { FanoutElection } from './etcd/fanout-election.js'
export { PartitionQueue } from './kafka/partition-queue.js'
export { MessagePublisher } from './kafka/publisher.js'
export { ensureChatTopic } from './kafka/topic.js'
export { PresenceStore } from './redis/presence-store.js'
export { createRedis, type RedisTarget } from './redis/redis-client.js'
export const migrationsDir = new URL('../migrations', import.meta.url).pathname
