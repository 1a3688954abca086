import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Etcd3, type Namespace } from 'etcd3'
import type { Redis } from 'ioredis'
import { Kafka, logLevel } from 'kafkajs'
import type mysql from 'mysql2/promise'
import { type ChatMessage, MessagesRepository } from './db/messages-repository.js'
import { createMessagePool } from './db/pool.js'
import { type Dependency, DependencyUnavailableError, RequestError, withDeadline } from './errors.js'
import { CONFIG_KEY, ConfigWatch, type FanoutConfig } from './etcd/config-watch.js'
import { FanoutElection } from './etcd/fanout-election.js'
import { Hub } from './http/hub.js'
import { handle } from './http/routes.js'
import { type Delivery, FanoutConsumer } from './kafka/fanout-consumer.js'
import { MessagePublisher } from './kafka/publisher.js'
import { DEFAULT_PRESENCE, type PresenceSettings, PresenceStore } from './redis/presence-store.js'
import { createRedis, type RedisTarget } from './redis/redis-client.js'

export interface ChatServiceOptions {
  mysqlUrl: string
  kafka: { brokers: string[]; topic: string; groupId?: string }
  redis: RedisTarget
  etcd: { endpoints: string[]; prefix: string }
  instanceId?: string
  /** Campaign for the fan-out worker (default true). */
  worker?: boolean
  /** Deadlines of etcd calls and of the election lease (seconds). */
  etcdTimeoutMs?: number
  leaseTtlSeconds?: number
  presence?: Partial<PresenceSettings>
  pool?: Partial<mysql.PoolOptions>
  onError?: (error: DependencyUnavailableError) => void
}

export interface ReportedError {
  dependency: Dependency
  reason: string
  at: number
}

const DELIVERY_CHANNEL = 'chat:deliver'

/** The chat service: HTTP + WebSocket API over MySQL, Kafka, Redis (presence, rate limits, delivery) and etcd. */
export class ChatService {
  readonly instanceId: string
  readonly pool: mysql.Pool
  readonly messages: MessagesRepository
  readonly publisher: MessagePublisher
  readonly redis: Redis
  readonly presence: PresenceStore
  readonly etcd: Etcd3
  readonly etcdNs: Namespace
  readonly config: ConfigWatch
  readonly election: FanoutElection
  readonly errors: ReportedError[] = []
  readonly delivered: Delivery[] = []
  private readonly subscriber: Redis
  private readonly fanout: FanoutConsumer
  private readonly etcdTimeoutMs: number
  private server: Server | undefined
  private hub: Hub | undefined
  url = ''

  constructor(private readonly options: ChatServiceOptions) {
    this.instanceId = options.instanceId ?? `chat-${randomUUID().slice(0, 8)}`
    this.etcdTimeoutMs = options.etcdTimeoutMs ?? 1_000
    this.pool = createMessagePool(options.mysqlUrl, options.pool)
    this.messages = new MessagesRepository(this.pool)
    const kafka = new Kafka({
      clientId: this.instanceId,
      brokers: options.kafka.brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3_000,
      requestTimeout: 10_000,
      retry: { initialRetryTime: 100, maxRetryTime: 500, retries: 20 },
    })
    this.publisher = new MessagePublisher(kafka, options.kafka.topic)
    const presence = { ...DEFAULT_PRESENCE, ...options.presence }
    this.redis = createRedis(options.redis, presence.timeoutMs)
    this.subscriber = createRedis(options.redis, presence.timeoutMs, { maxRetriesPerRequest: null })
    this.presence = new PresenceStore(this.redis, presence)
    this.etcd = new Etcd3({
      hosts: options.etcd.endpoints,
      dialTimeout: 2_000,
      faultHandling: {},
    })
    this.etcdNs = this.etcd.namespace(options.etcd.prefix)
    this.config = new ConfigWatch(this.etcdNs, (error) => this.reportRaw('etcd', error))
    this.fanout = new FanoutConsumer(
      kafka,
      options.kafka.topic,
      options.kafka.groupId ?? 'im-chat-fanout',
      (d) => this.deliver(d),
    )
    this.election = new FanoutElection(
      this.etcdNs,
      this.instanceId,
      {
        onElected: () => this.fanout.start(),
        onDemoted: () => this.fanout.stop(),
        onError: (error) => this.reportRaw('etcd', error),
      },
      options.leaseTtlSeconds ?? 2,
    )
  }

  /** Listens on 127.0.0.1 (ephemeral port), subscribes to deliveries, starts the config watch and the campaign. */
  async start(): Promise<this> {
    const server = createServer((req, res) => void handle(this, req, res))
    this.server = server
    this.hub = new Hub(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    this.subscriber.on('message', (_channel, text) => {
      const { conversationId, message } = JSON.parse(text)
      this.hub?.deliver(conversationId, { type: 'message', message })
    })
    await withDeadline('redis', 'subscribe', 10_000, () => this.subscriber.subscribe(DELIVERY_CHANNEL))
    if (this.options.worker !== false) {
      await withDeadline('etcd', 'config watch', 10_000, () => this.config.start())
      this.election.start()
    }
    return this
  }

  /** Rate limit (Redis) → persist (MySQL) → publish keyed by conversation (Kafka). */
  async send(conversationId: string, userId: string, text: string): Promise<ChatMessage> {
    if (!(await this.presence.allowMessage(userId))) {
      throw new RequestError(429, 'rate_limited', `${userId} sent too many messages`)
    }
    const message = await this.messages.insert(conversationId, userId, text)
    await this.publisher.publish({ conversationId, payload: message })
    return message
  }

  history(conversationId: string): Promise<ChatMessage[]> {
    return this.messages.list(conversationId)
  }

  async readConfig(): Promise<{ config: FanoutConfig | null }> {
    const raw = await withDeadline('etcd', 'config read', this.etcdTimeoutMs, () =>
      this.etcdNs
        .get(CONFIG_KEY)
        .options({ deadline: Date.now() + this.etcdTimeoutMs })
        .string(),
    )
    return { config: raw === null ? null : JSON.parse(raw) }
  }

  async workerStatus() {
    return { instanceId: this.instanceId, active: this.election.isLeader, consuming: this.fanout.running }
  }

  /** Every dependency with its deadline; `unavailable` names each failing one and why. */
  async health() {
    const checks: Record<string, () => Promise<unknown>> = {
      mysql: () => withDeadline('mysql', 'ping', 2_000, () => this.pool.query('SELECT 1')),
      redis: () => this.presence.ping(),
      etcd: () =>
        withDeadline('etcd', 'status', this.etcdTimeoutMs, () =>
          this.etcdNs
            .get('health')
            .options({ deadline: Date.now() + this.etcdTimeoutMs })
            .string(),
        ),
    }
    const dependencies: Record<string, string> = {}
    await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await check()
          dependencies[name] = 'ok'
        } catch (error) {
          if (error instanceof DependencyUnavailableError) this.report(error)
          dependencies[name] = error instanceof DependencyUnavailableError ? error.reason : String(error)
        }
      }),
    )
    const ok = Object.values(dependencies).every((v) => v === 'ok')
    return { status: ok ? 'ok' : 'unavailable', dependencies }
  }

  report(error: DependencyUnavailableError): void {
    this.errors.push({ dependency: error.dependency, reason: error.reason, at: Date.now() })
    if (this.errors.length > 1000) this.errors.shift()
    this.options.onError?.(error)
  }

  /** Stops everything; `crash: true` leaves the election lease to expire (as a dead process would). */
  async stop({ crash = false } = {}): Promise<void> {
    if (crash) await this.election.abandon()
    else await this.election.stop()
    await this.fanout.stop().catch(() => undefined)
    await this.config.stop().catch(() => undefined)
    await this.publisher.close().catch(() => undefined)
    await this.hub?.close()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    this.server?.closeAllConnections()
    this.etcd.close()
    this.subscriber.disconnect()
    this.redis.disconnect()
    await this.pool.end()
  }

  private async deliver(delivery: Delivery): Promise<void> {
    if (!this.config.current.deliver) return
    this.delivered.push(delivery)
    const frame = JSON.stringify({ conversationId: delivery.conversationId, message: delivery.payload })
    await withDeadline('redis', 'deliver', 5_000, () => this.redis.publish(DELIVERY_CHANNEL, frame))
  }

  private reportRaw(dependency: Dependency, error: unknown): void {
    this.report(
      new DependencyUnavailableError(dependency, error instanceof Error ? error.message : String(error)),
    )
  }
}
