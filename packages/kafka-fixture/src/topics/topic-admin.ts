import { InvalidOptionsError, WaitTimeoutError, withTimeout } from '@infra/fixture-core'
import type { FixtureBrokers } from '../broker/live-brokers.js'
import type { FixtureClients } from '../clients/fixture-clients.js'
import type { OwnedResources } from './owned-resources.js'
import { type PartitionCache, waitForTopic } from './topic-metadata.js'
import { isLegalTopicName } from './topic-names.js'

export interface CreateTopicOptions {
  /** Topic name; default: a unique name under the fixture's prefix. */
  name?: string
  /** Default 1. */
  partitions?: number
  /** Default: the number of brokers, at most 3 (external: 1). */
  replicationFactor?: number
  /** Sets the topic's `min.insync.replicas` (use 2 with RF 3 and acks=all for no-loss tests). */
  minInsyncReplicas?: number
  /** Other topic configs, e.g. `{ 'retention.ms': '60000' }`. */
  config?: Record<string, string | number>
  /** Finite wait for the topic to have a leader for every partition on every broker. Default 30 000. */
  timeoutMs?: number
}

/** What {@link TopicAdmin} works with: the fixture's brokers, shared admin, own names and partition cache. */
export interface TopicAdminDeps {
  readonly external: boolean
  readonly brokers: FixtureBrokers
  readonly clients: FixtureClients
  readonly owned: OwnedResources
  readonly partitions: PartitionCache
}

/** Errors a retry cannot fix (bad arguments, policy violations). */
function isNonRetriable(err: unknown): boolean {
  const type = (err as { type?: string }).type ?? ''
  const nested = (err as { errors?: { type?: string }[] }).errors?.map((e) => e.type ?? '') ?? []
  const bad = /INVALID_|POLICY_VIOLATION|UNSUPPORTED_VERSION|TOPIC_AUTHORIZATION_FAILED/
  return bad.test(type) || nested.some((t) => bad.test(t))
}

/** Creates and deletes topics, recording which are the fixture's own. */
export class TopicAdmin {
  private readonly deps: TopicAdminDeps

  constructor(deps: TopicAdminDeps) {
    this.deps = deps
  }

  /**
   * Validates `opts`, creates the topic (retried with a fresh admin while brokers fail over) and waits
   * until every partition has a leader known to every running broker. Returns the name.
   */
  async create(opts: CreateTopicOptions = {}): Promise<string> {
    const { brokers, clients, owned } = this.deps
    const partitions = opts.partitions ?? 1
    const maxRf = brokers.cluster ? brokers.cluster.nodes.length : Number.POSITIVE_INFINITY
    const rf = opts.replicationFactor ?? (brokers.cluster ? Math.min(3, maxRf) : 1)
    if (!Number.isInteger(partitions) || partitions < 1) {
      throw new InvalidOptionsError('partitions', `expected an integer >= 1, got ${opts.partitions}`)
    }
    if (!Number.isInteger(rf) || rf < 1 || rf > maxRf) {
      throw new InvalidOptionsError(
        'replicationFactor',
        `expected an integer 1..${maxRf} (the number of brokers), got ${opts.replicationFactor}`,
      )
    }
    if (
      opts.minInsyncReplicas !== undefined &&
      !(
        Number.isInteger(opts.minInsyncReplicas) &&
        opts.minInsyncReplicas >= 1 &&
        opts.minInsyncReplicas <= rf
      )
    ) {
      throw new InvalidOptionsError(
        'minInsyncReplicas',
        `expected an integer 1..${rf} (the replication factor), got ${opts.minInsyncReplicas}`,
      )
    }
    const name = opts.name ?? owned.uniqueTopicName()
    if (!isLegalTopicName(name)) {
      throw new InvalidOptionsError(
        'name',
        `'${name}' is not a legal Kafka topic name ([a-zA-Z0-9._-], ≤ 249)`,
      )
    }
    const configEntries = Object.entries({
      ...(opts.minInsyncReplicas !== undefined ? { 'min.insync.replicas': opts.minInsyncReplicas } : {}),
      ...(opts.config ?? {}),
    }).map(([k, v]) => ({ name: k, value: String(v) }))
    const timeoutMs = opts.timeoutMs ?? 30_000
    const deadline = Date.now() + timeoutMs
    // retried with a fresh admin: kafkajs gives up on a broker that just died (failover tests)
    for (let attempt = 1; ; attempt++) {
      const admin = await clients.admin()
      try {
        const created = await admin.createTopics({
          topics: [{ topic: name, numPartitions: partitions, replicationFactor: rf, configEntries }],
          waitForLeaders: false,
          timeout: Math.max(1_000, Math.min(10_000, deadline - Date.now())),
        })
        // false = it already existed: someone else's topic on the first attempt (never ours to
        // delete), ours from a previous attempt whose answer was lost
        if (!created && attempt === 1) {
          throw new InvalidOptionsError('name', `topic '${name}' already exists; omit name for a unique one`)
        }
        owned.topicCreated(name)
        break
      } catch (err) {
        if (err instanceof InvalidOptionsError) throw err
        if (isNonRetriable(err)) throw err
        await clients.resetAdmin()
        if (Date.now() + 200 >= deadline) {
          throw new WaitTimeoutError(`topic '${name}' to be created (${attempt} attempts)`, timeoutMs, {
            cause: err,
          })
        }
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    await waitForTopic(brokers, name, { partitions, timeoutMs: Math.max(1_000, deadline - Date.now()) })
    return name
  }

  /** Deletes a topic (any topic on a local cluster; only its own topics on external brokers). */
  async delete(name: string): Promise<void> {
    const { clients, owned, partitions } = this.deps
    if (this.deps.external && !owned.ownsTopic(name)) {
      throw new InvalidOptionsError(
        'deleteTopic',
        `'${name}' was not created by this fixture; external topics are never deleted`,
      )
    }
    const admin = await clients.admin()
    await withTimeout(
      admin.deleteTopics({ topics: [name], timeout: 10_000 }),
      15_000,
      `topic '${name}' to be deleted`,
    )
    owned.topicDeleted(name)
    partitions.forget(name)
    await clients.topicDeleted(name)
  }
}
