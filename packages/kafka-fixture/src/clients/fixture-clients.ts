import type { Admin, Kafka, KafkaConfig, Producer } from 'kafkajs'
import { type ClientLogLevel, createClient, testProducerConfig } from './client-config.js'
import { disconnectQuietly } from './disconnect-quietly.js'

/**
 * The kafkajs clients a fixture's helpers share, each made on first use: one client, one connected
 * admin and one connected idempotent producer (a failed connect is forgotten, so the next use retries).
 */
export class FixtureClients {
  private readonly brokerList: string[]
  private readonly logLevel: ClientLogLevel | undefined
  private sharedClient: Kafka | undefined
  private adminPromise: Promise<Admin> | undefined
  private producerPromise: Promise<Producer> | undefined
  /** Topics the shared producer sent to: its metadata keeps asking for them. */
  private readonly producedTo = new Set<string>()

  constructor(brokerList: string[], logLevel: ClientLogLevel | undefined) {
    this.brokerList = brokerList
    this.logLevel = logLevel
  }

  /** A new kafkajs client for the brokers, set up for tests. */
  create(overrides: Partial<KafkaConfig> & { logLevelName?: ClientLogLevel } = {}): Kafka {
    return createClient(this.brokerList, { logLevelName: this.logLevel, ...overrides })
  }

  /** The shared client. */
  shared(): Kafka {
    this.sharedClient ??= this.create()
    return this.sharedClient
  }

  /** The shared admin, connected. */
  admin(): Promise<Admin> {
    this.adminPromise ??= connected(
      () => this.shared().admin(),
      () => {
        this.adminPromise = undefined
      },
    )
    return this.adminPromise
  }

  /** Drops the shared admin (disconnecting it, bounded); the next `admin()` connects a fresh one. */
  async resetAdmin(): Promise<void> {
    const p = this.adminPromise
    this.adminPromise = undefined
    await disconnectQuietly(p)
  }

  /**
   * The shared idempotent producer, connected. `after` (only read by the call that makes it): a warm-up it
   * connects after, whatever its outcome (see `warmProducerIds`); if `signal` is aborted by then, no
   * producer is made and the promise rejects.
   */
  producer(after?: Promise<unknown>, signal?: AbortSignal): Promise<Producer> {
    this.producerPromise ??= connected(
      () => this.shared().producer(testProducerConfig()),
      () => {
        this.producerPromise = undefined
      },
      after,
      signal,
    )
    return this.producerPromise
  }

  /** Records that the shared producer sends to `topic`. */
  producing(topic: string): void {
    this.producedTo.add(topic)
  }

  /**
   * After `topic` was deleted: kafkajs's producer refreshes the metadata of every topic it ever sent to and
   * fails (UNKNOWN_TOPIC_OR_PARTITION, after its retries) once one is gone, so a producer that sent to it is
   * dropped (disconnected, bounded); the next `producer()` connects a fresh one.
   */
  async topicDeleted(topic: string): Promise<void> {
    if (!this.producedTo.delete(topic)) return
    const p = this.producerPromise
    this.producerPromise = undefined
    this.producedTo.clear()
    await disconnectQuietly(p)
  }

  /** The shared admin if one was asked for (it may still be connecting, or have failed to). */
  get startedAdmin(): Promise<Admin> | undefined {
    return this.adminPromise
  }

  /** Disconnects the producer if there is one (bounded, errors ignored). */
  async disconnectProducer(): Promise<void> {
    await disconnectQuietly(this.producerPromise)
  }

  /** Disconnects the admin if there is one (bounded, errors ignored). */
  async disconnectAdmin(): Promise<void> {
    await disconnectQuietly(this.adminPromise)
  }
}

/** Makes and connects a client; on failure calls `forget` (so the next use retries) and rethrows. */
async function connected<T extends Admin | Producer>(
  make: () => T,
  forget: () => void,
  after?: Promise<unknown>,
  signal?: AbortSignal,
): Promise<T> {
  try {
    await after?.catch(() => {})
    signal?.throwIfAborted()
    const client = make()
    await client.connect()
    return client
  } catch (err) {
    forget()
    throw err
  }
}
