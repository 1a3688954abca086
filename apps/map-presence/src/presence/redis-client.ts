import { Redis } from 'ioredis'

export interface PresenceRedisOptions {
  /** Prefix for every key (a namespace on a shared server). */
  keyPrefix?: string
  /** A command not answered within this time fails, so a paused/hung Redis degrades instead of hanging. */
  commandTimeoutMs?: number
}

/**
 * An ioredis client tuned to fail fast: no offline queue (commands fail at once while disconnected),
 * a per-command timeout (a hung server), and quick capped reconnects so the app recovers on its own.
 */
export function createPresenceRedis(url: string, options: PresenceRedisOptions = {}): Redis {
  const client = new Redis(url, {
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: options.commandTimeoutMs ?? 1_000,
    connectTimeout: Math.max(2_000, options.commandTimeoutMs ?? 0),
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(50 * attempt, 500),
  })
  // errors surface on commands; the 'error' event only needs a listener so Node does not crash
  client.on('error', () => {})
  return client
}
