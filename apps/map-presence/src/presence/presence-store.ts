import { EventEmitter } from 'node:events'
import type { Redis } from 'ioredis'
import { DEFAULT_PRESENCE_TTL_SECONDS, presenceKeys } from './presence-keys.js'

export type PresenceStatus = 'ok' | 'degraded'

export interface PresenceEntry {
  sessionId: string
  userId: string
  mapId: string
  lat: number
  lng: number
  seq: number
}

export interface PresenceSnapshot {
  active: boolean
  ttlSeconds: number
  position: { lat: number; lng: number; seq: number } | null
}

/**
 * Sets `session:<id>` active with a TTL and writes `presence:<id>` only when the incoming move sequence
 * is not older than the stored one, so a late write (a resync racing a move) never rolls a position back.
 */
const WRITE_PRESENCE = `
local stored = tonumber(redis.call('HGET', KEYS[2], 'seq') or '-1')
redis.call('SET', KEYS[1], 'active', 'EX', ARGV[1])
if stored <= tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[2], 'lat', ARGV[3], 'lng', ARGV[4], 'mapId', ARGV[5], 'userId', ARGV[6], 'seq', ARGV[2])
end
redis.call('EXPIRE', KEYS[2], ARGV[1])
return stored
`

interface PresenceRedis extends Redis {
  writePresence(
    sessionKey: string,
    presenceKey: string,
    ttl: number,
    seq: number,
    lat: number,
    lng: number,
    mapId: string,
    userId: string,
  ): Promise<number>
}

export interface PresenceStoreOptions {
  ttlSeconds?: number
  /** While degraded, how often to PING Redis to notice it is back. */
  probeIntervalMs?: number
}

/**
 * Presence in Redis, best effort: every operation reports whether Redis took it instead of throwing.
 * The store is `degraded` from the first failure until a probe (PING) succeeds again; while degraded,
 * operations are skipped. On recovery it emits `recovered` and the app rebuilds Redis from Postgres.
 * Events: `degraded` (error), `recovered`.
 */
export class PresenceStore extends EventEmitter {
  readonly ttlSeconds: number
  private currentStatus: PresenceStatus = 'ok'
  private probeTimer: NodeJS.Timeout | undefined
  private closed = false
  private readonly redis: PresenceRedis
  private readonly probeIntervalMs: number

  constructor(redis: Redis, options: PresenceStoreOptions = {}) {
    super()
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_PRESENCE_TTL_SECONDS
    this.probeIntervalMs = options.probeIntervalMs ?? 250
    redis.defineCommand('writePresence', { numberOfKeys: 2, lua: WRITE_PRESENCE })
    this.redis = redis as PresenceRedis
    redis.on('close', () => this.markDegraded(new Error('redis connection closed')))
  }

  get status(): PresenceStatus {
    return this.currentStatus
  }

  /** Connects; if Redis is unreachable the store starts degraded and keeps probing. */
  async connect(): Promise<void> {
    try {
      await this.redis.connect()
    } catch (error) {
      this.markDegraded(error as Error)
    }
  }

  /** Marks the session active (TTL refreshed) and stores its position. */
  markActive(entry: PresenceEntry, ttlSeconds = this.ttlSeconds): Promise<boolean> {
    return this.attempt(() =>
      this.redis.writePresence(
        presenceKeys.session(entry.sessionId),
        presenceKeys.presence(entry.sessionId),
        ttlSeconds,
        entry.seq,
        entry.lat,
        entry.lng,
        entry.mapId,
        entry.userId,
      ),
    )
  }

  joinPoi(poiId: string, sessionId: string): Promise<boolean> {
    return this.attempt(() => this.redis.sadd(presenceKeys.poiParticipants(poiId), sessionId))
  }

  /** Removes an ended session: its keys and its membership in the given POIs. */
  leave(sessionId: string, poiIds: string[]): Promise<boolean> {
    return this.attempt(async () => {
      const multi = this.redis.multi().del(presenceKeys.session(sessionId), presenceKeys.presence(sessionId))
      for (const poiId of poiIds) multi.srem(presenceKeys.poiParticipants(poiId), sessionId)
      await multi.exec()
    })
  }

  /** The POI's participants from Redis, sorted; undefined when Redis did not answer. */
  async participants(poiId: string): Promise<string[] | undefined> {
    let members: string[] | undefined
    const ok = await this.attempt(async () => {
      members = await this.redis.smembers(presenceKeys.poiParticipants(poiId))
    })
    return ok ? members!.sort() : undefined
  }

  /** What Redis knows about a session; undefined when Redis did not answer. */
  async snapshot(sessionId: string): Promise<PresenceSnapshot | undefined> {
    let result: PresenceSnapshot | undefined
    const ok = await this.attempt(async () => {
      const [[, ttl], [, hash]] = (await this.redis
        .multi()
        .ttl(presenceKeys.session(sessionId))
        .hgetall(presenceKeys.presence(sessionId))
        .exec()) as [[null, number], [null, Record<string, string>]]
      result = {
        active: ttl > 0,
        ttlSeconds: Math.max(ttl, 0),
        position:
          hash.lat === undefined
            ? null
            : { lat: Number(hash.lat), lng: Number(hash.lng), seq: Number(hash.seq ?? 0) },
      }
    })
    return ok ? result : undefined
  }

  /** Rebuilds presence from the source of truth; true when Redis took all of it. */
  restore(entries: Array<PresenceEntry & { ttlSeconds: number }>, participants: Map<string, string[]>) {
    return this.attempt(async () => {
      for (const entry of entries) {
        await this.redis.writePresence(
          presenceKeys.session(entry.sessionId),
          presenceKeys.presence(entry.sessionId),
          entry.ttlSeconds,
          entry.seq,
          entry.lat,
          entry.lng,
          entry.mapId,
          entry.userId,
        )
      }
      for (const [poiId, sessionIds] of participants) {
        const key = presenceKeys.poiParticipants(poiId)
        await this.redis
          .multi()
          .del(key)
          .sadd(key, ...sessionIds)
          .exec()
      }
    })
  }

  async close(): Promise<void> {
    this.closed = true
    this.stopProbe()
    this.removeAllListeners()
    this.redis.disconnect()
  }

  /**
   * Runs one Redis operation. While degraded nothing is sent (a circuit breaker: requests do not each
   * wait for a hung server); the resync after recovery rewrites everything that was skipped.
   */
  private async attempt(operation: () => Promise<unknown>): Promise<boolean> {
    if (this.currentStatus === 'degraded') return false
    try {
      await operation()
      return true
    } catch (error) {
      this.markDegraded(error as Error)
      return false
    }
  }

  private markDegraded(error: Error): void {
    if (this.closed) return
    if (this.currentStatus !== 'degraded') {
      this.currentStatus = 'degraded'
      this.emit('degraded', error)
    }
    this.startProbe()
  }

  private startProbe(): void {
    if (this.probeTimer || this.closed) return
    this.probeTimer = setInterval(() => void this.probe(), this.probeIntervalMs)
    this.probeTimer.unref()
  }

  private stopProbe(): void {
    if (this.probeTimer) clearInterval(this.probeTimer)
    this.probeTimer = undefined
  }

  private probing = false

  private async probe(): Promise<void> {
    if (this.probing || this.closed) return
    this.probing = true
    try {
      if (this.redis.status === 'ready' && (await this.redis.ping()) === 'PONG' && !this.closed) {
        this.stopProbe()
        this.currentStatus = 'ok'
        this.emit('recovered')
      }
    } catch {
      // still down: keep probing
    } finally {
      this.probing = false
    }
  }
}
