import { withTimeout } from '@infra/fixture-core'
import type { Admin, Kafka, KafkaConfig, Producer } from 'kafkajs'
import { type ClientLogLevel, createClient, testProducerConfig } from './client-config.js'

async function quietly(p: Promise<unknown>, ms: number): Promise<void> {
  await withTimeout(p, ms, 'a kafkajs client to disconnect').catch(() => {})
}

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
    this.adminPromise ??= (async () => {
      const admin = this.shared().admin()
      await admin.connect()
      return admin
    })().catch((err) => {
      this.adminPromise = undefined
      throw err
    })
    return this.adminPromise
  }

  /** Drops the shared admin (disconnecting it, bounded); the next `admin()` connects a fresh one. */
  async resetAdmin(): Promise<void> {
    const p = this.adminPromise
    this.adminPromise = undefined
    if (p)
      await withTimeout(
        p.then((a) => a.disconnect()),
        5_000,
        'admin disconnect',
      ).catch(() => {})
  }

  /** The shared idempotent producer, connected. */
  producer(): Promise<Producer> {
    this.producerPromise ??= (async () => {
      const producer = this.shared().producer(testProducerConfig())
      await producer.connect()
      return producer
    })().catch((err) => {
      this.producerPromise = undefined
      throw err
    })
    return this.producerPromise
  }

  /** The shared admin if one was asked for (it may still be connecting, or have failed to). */
  get startedAdmin(): Promise<Admin> | undefined {
    return this.adminPromise
  }

  /** Disconnects the producer if there is one (bounded, errors ignored). */
  async disconnectProducer(): Promise<void> {
    if (this.producerPromise)
      await quietly(
        this.producerPromise.then((p) => p.disconnect()),
        5_000,
      )
  }

  /** Disconnects the admin if there is one (bounded, errors ignored). */
  async disconnectAdmin(): Promise<void> {
    if (this.adminPromise)
      await quietly(
        this.adminPromise.then((a) => a.disconnect()),
        5_000,
      )
  }
}
