import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { BroadcastEvent } from '../protocol.js'

/** Publishing failed: Redis is down, hung or refused the command. Nothing was broadcast. */
export class BroadcastUnavailableError extends Error {
  readonly code = 'broadcast_unavailable'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'BroadcastUnavailableError'
  }
}

export interface RedisBroadcasterOptions {
  /** redis://host:port */
  url: string
  /** Prefix of every Redis pub/sub channel (instances that should hear each other share it). */
  channelPrefix?: string
  /** A publish or subscribe not answered within this time fails. Default 2 000 ms. */
  commandTimeoutMs?: number
  /** Every event published by any instance on a channel this instance subscribed to. */
  onEvent: (event: BroadcastEvent) => void
  onError?: (error: unknown) => void
}

/** `up`: the subscriber connection is ready and subscribed to every wanted channel. */
export type BroadcasterStatus = 'connecting' | 'up' | 'down' | 'closed'

/**
 * The broadcast backend on Redis pub/sub: `publish` sends to every instance on the same prefix, and each
 * instance hears the channels its clients want. Two connections: a publisher that fails fast (no offline
 * queue, a command timeout) and a subscriber that, after every reconnect (a Redis restart), SUBSCRIBEs
 * again to every wanted channel before it reports `up`.
 */
export class RedisBroadcaster {
  readonly instanceId = randomUUID().slice(0, 8)
  private readonly pub: Redis
  private readonly sub: Redis
  private readonly prefix: string
  /** Wanted channels → their SUBSCRIBE on the current subscriber connection. */
  private readonly subscriptions = new Map<string, Promise<boolean>>()
  private sequence = 0
  private currentStatus: BroadcasterStatus = 'connecting'
  private upWaiters: Array<() => void> = []
  private readyCount = 0

  constructor(private readonly options: RedisBroadcasterOptions) {
    this.prefix = `${options.channelPrefix ?? ''}bsync:`
    const common = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 2_000,
      connectTimeout: 2_000,
      retryStrategy: (attempt: number) => Math.min(50 * attempt, 500),
    }
    this.pub = new Redis(options.url, { ...common, connectionName: `bsync-pub-${this.instanceId}` })
    this.sub = new Redis(options.url, {
      ...common,
      autoResubscribe: false, // resubscribed by onSubscriberReady, which knows when it is done
      connectionName: `bsync-sub-${this.instanceId}`,
    })
    this.pub.on('error', () => {}) // surfaced by publish()
    this.sub.on('error', () => {})
    this.sub.on('ready', () => this.onSubscriberReady())
    this.sub.on('close', () => {
      if (this.currentStatus !== 'closed') this.currentStatus = 'down'
    })
    this.sub.on('message', (channel: string, message: string) => this.onMessage(channel, message))
  }

  get status(): BroadcasterStatus {
    return this.currentStatus
  }

  /** How often the subscriber connected again after losing Redis (each time it subscribed again). */
  get reconnects(): number {
    return Math.max(0, this.readyCount - 1)
  }

  /** Connects both connections; rejects when Redis cannot be reached. */
  async start(): Promise<void> {
    await Promise.all([this.pub.connect(), this.sub.connect()])
    await this.whenUp(5_000)
  }

  /** Resolves when the subscriber is connected and subscribed again; rejects after `timeoutMs`. */
  async whenUp(timeoutMs = 10_000): Promise<void> {
    if (this.currentStatus === 'up') return
    let timer: NodeJS.Timeout | undefined
    let waiter: (() => void) | undefined
    try {
      await new Promise<void>((resolve, reject) => {
        waiter = resolve
        this.upWaiters.push(resolve)
        timer = setTimeout(
          () => reject(new Error(`Redis subscriber not up within ${timeoutMs} ms (${this.currentStatus})`)),
          timeoutMs,
        )
      })
    } finally {
      clearTimeout(timer)
      this.upWaiters = this.upWaiters.filter((w) => w !== waiter)
    }
  }

  /** Listens to `channels` (idempotent); resolves once Redis confirmed, or at once while Redis is down. */
  async subscribe(channels: readonly string[]): Promise<void> {
    const pending: Promise<boolean>[] = []
    for (const channel of channels) {
      let subscribed = this.subscriptions.get(channel)
      if (!subscribed) {
        subscribed = this.sub.status === 'ready' ? this.redisSubscribe([channel]) : Promise.resolve(false)
        this.subscriptions.set(channel, subscribed)
      }
      pending.push(subscribed)
    }
    await Promise.all(pending)
  }

  async unsubscribe(channels: readonly string[]): Promise<void> {
    const gone = channels.filter((channel) => this.subscriptions.delete(channel))
    if (gone.length === 0 || this.sub.status !== 'ready') return
    await this.sub
      .unsubscribe(...gone.map((c) => this.prefix + c))
      .catch((error) => this.options.onError?.(error))
  }

  /** The channels this instance listens to. */
  channels(): string[] {
    return [...this.subscriptions.keys()]
  }

  /**
   * Sends `event` to every instance listening on `channel`; resolves with the event as sent and how many
   * instances received it. Rejects with {@link BroadcastUnavailableError} when Redis is down or hung.
   */
  async publish(
    channel: string,
    event: string,
    payload: unknown,
  ): Promise<{ event: BroadcastEvent; instances: number }> {
    const sent: BroadcastEvent = {
      channel,
      event,
      payload,
      id: `${this.instanceId}-${++this.sequence}`,
      sentAt: Date.now(),
    }
    if (this.currentStatus === 'closed') throw new BroadcastUnavailableError('the broadcaster is closed')
    try {
      const instances = await this.pub.publish(this.prefix + channel, JSON.stringify(sent))
      return { event: sent, instances }
    } catch (error) {
      throw new BroadcastUnavailableError(
        `could not broadcast ${event} on ${channel}: Redis unavailable (${(error as Error).message})`,
        { cause: error },
      )
    }
  }

  async close(): Promise<void> {
    this.currentStatus = 'closed'
    this.pub.disconnect()
    this.sub.disconnect()
  }

  /** SUBSCRIBE; resolves false on failure (the next 'ready' subscribes again). */
  private redisSubscribe(channels: string[]): Promise<boolean> {
    return this.sub.subscribe(...channels.map((c) => this.prefix + c)).then(
      () => true,
      (error) => {
        if (this.currentStatus !== 'closed') this.options.onError?.(error)
        return false
      },
    )
  }

  private onSubscriberReady(): void {
    if (this.currentStatus === 'closed') return
    this.readyCount++
    const channels = [...this.subscriptions.keys()]
    const resubscribed = channels.length > 0 ? this.redisSubscribe(channels) : Promise.resolve(true)
    for (const channel of channels) this.subscriptions.set(channel, resubscribed)
    void resubscribed.then((ok) => {
      if (!ok || this.currentStatus === 'closed' || this.sub.status !== 'ready') return
      this.currentStatus = 'up'
      const waiters = this.upWaiters
      this.upWaiters = []
      for (const resolve of waiters) resolve()
    })
  }

  private onMessage(redisChannel: string, message: string): void {
    if (!redisChannel.startsWith(this.prefix)) return
    try {
      const event = JSON.parse(message) as BroadcastEvent
      if (typeof event.event !== 'string' || event.channel !== redisChannel.slice(this.prefix.length)) return
      this.options.onEvent(event)
    } catch (error) {
      this.options.onError?.(error)
    }
  }
}
