import { InvalidOptionsError, WaitTimeoutError, waitFor, withTimeout } from '@infra/fixture-core'
import type {
  Admin,
  ConsumerConfig,
  Kafka,
  KafkaConfig,
  PartitionMetadata,
  Producer,
  ProducerConfig,
  RecordMetadata,
} from 'kafkajs'
import { type ClientLogLevel, createClient, testConsumerConfig, testProducerConfig } from './client-config.js'
import {
  type ConsumedMessage,
  type ConsumeOptions,
  consumeMessages,
  type JoinedConsumer,
  type JoinedConsumerOptions,
  startJoinedConsumer,
} from './consume.js'
import type { KafkaNode } from './kafka-node.js'
import { describeQuorum, fetchMetadata, findGroupCoordinator, type WireMetadata } from './kafka-wire.js'
import { brokersVisible, type LocalCluster } from './local-cluster.js'
import { defaultPartitioner, type ProduceMessage, type ProduceOptions, produceMessages } from './produce.js'
import { isLegalTopicName, NameGenerator } from './topic-names.js'

export type KafkaProvider = 'local' | 'external'

/** What another process needs to reach these brokers (`connectKafka(info)`); what the global setup provides. */
export interface KafkaConnectionInfo {
  /** Bootstrap addresses, `host:port`. */
  brokers: string[]
  /** Kafka version of the brokers (`'external'` when unknown). */
  version: string
}

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

export interface WaitForTopicOptions {
  /** Also wait until every partition's ISR holds all its replicas (after a broker restart). */
  fullIsr?: boolean
  /** Expected partition count (default: whatever the metadata says, at least 1). */
  partitions?: number
  timeoutMs?: number
}

export interface NodeInfo {
  id: number
  broker: string
  brokerPort: number
  controllerPort: number
  pid: number | undefined
  running: boolean
  paused: boolean
  /** The node's directory (server.properties, data/), removed on stop. */
  dir: string
}

export interface KafkaFixtureInit {
  provider: KafkaProvider
  brokers: string[]
  version: string
  topicPrefix: string
  clientLogLevel?: ClientLogLevel
  cluster?: LocalCluster
  stopGraceMs?: number
  startTimeoutMs?: number
  /** External/attached handles: delete the topics they created when they stop (default true). */
  deleteOwnTopics?: boolean
}

const LOCALHOST = '127.0.0.1'

/** Errors a retry cannot fix (bad arguments, policy violations). */
function isNonRetriable(err: unknown): boolean {
  const type = (err as { type?: string }).type ?? ''
  const nested = (err as { errors?: { type?: string }[] }).errors?.map((e) => e.type ?? '') ?? []
  const bad = /INVALID_|POLICY_VIOLATION|UNSUPPORTED_VERSION|TOPIC_AUTHORIZATION_FAILED/
  return bad.test(type) || nested.some((t) => bad.test(t))
}

function hostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':')
  return { host: addr.slice(0, i), port: Number(addr.slice(i + 1)) }
}

/**
 * A running Kafka (a local cluster this process started, or external brokers) with the helpers tests
 * need: unique topics, produce/consume, a kafkajs client tuned for tests and, for the local provider,
 * broker faults (kill, pause, restart) and the KRaft active controller.
 */
export class KafkaFixture {
  readonly provider: KafkaProvider
  /** Kafka version of the brokers (local) or as configured (external). */
  readonly version: string
  /** Prefix of every topic and group this fixture creates. */
  readonly topicPrefix: string
  private readonly brokerList: string[]
  private readonly cluster: LocalCluster | undefined
  private readonly names: NameGenerator
  private readonly createdTopics = new Set<string>()
  private readonly createdGroups = new Set<string>()
  private readonly consumers = new Set<JoinedConsumer>()
  private readonly clientLogLevel: ClientLogLevel | undefined
  private readonly stopGraceMs: number
  private readonly startTimeoutMs: number
  private readonly deleteOwnTopics: boolean
  private readonly partitionCache = new Map<string, PartitionMetadata[]>()
  private readonly partitioner = defaultPartitioner()
  private sharedClient: Kafka | undefined
  private adminPromise: Promise<Admin> | undefined
  private producerPromise: Promise<Producer> | undefined
  private stopping: Promise<void> | undefined

  constructor(init: KafkaFixtureInit) {
    this.provider = init.provider
    this.version = init.version
    this.topicPrefix = init.topicPrefix
    this.brokerList = init.brokers
    this.cluster = init.cluster
    this.names = new NameGenerator(init.topicPrefix)
    this.clientLogLevel = init.clientLogLevel
    this.stopGraceMs = init.stopGraceMs ?? 1_000
    this.startTimeoutMs = init.startTimeoutMs ?? 60_000
    this.deleteOwnTopics = init.deleteOwnTopics ?? init.provider === 'external'
  }

  /**
   * Starts, in the background, what the first produce/consume would otherwise wait for: the shared
   * idempotent producer (metadata + producer id) and the `__consumer_offsets` topic. Never throws.
   */
  warmUp(): void {
    if (this.stopping) return
    this.producer().catch(() => {})
    const addr = this.liveAddresses()[0]
    if (addr) {
      const { host, port } = hostPort(addr)
      findGroupCoordinator(host, port, `${this.topicPrefix}warmup`, { timeoutMs: 5_000 }).catch(() => {})
    }
  }

  /** Bootstrap addresses, `['127.0.0.1:port', …]` (all nodes, also those currently killed). */
  get brokers(): string[] {
    return [...this.brokerList]
  }

  /** The brokers and version, for another process: `connectKafka(kafka.connectionInfo)`. */
  get connectionInfo(): KafkaConnectionInfo {
    return { brokers: this.brokers, version: this.version }
  }

  /** KRaft cluster id (local provider). */
  get clusterId(): string | undefined {
    return this.cluster?.clusterId
  }

  /** Node ids of the local cluster (1..n); empty for external brokers. */
  get nodeIds(): number[] {
    return this.cluster?.nodes.map((n) => n.nodeId) ?? []
  }

  /** Whether the local nodes run with the class-data-sharing archive. */
  get usesCds(): boolean {
    return this.cluster?.cds ?? false
  }

  /** State of each local node. */
  get nodes(): NodeInfo[] {
    return (this.cluster?.nodes ?? []).map((n) => ({
      id: n.nodeId,
      broker: `${LOCALHOST}:${n.brokerPort}`,
      brokerPort: n.brokerPort,
      controllerPort: n.controllerPort,
      pid: n.process.pid,
      running: n.process.running,
      paused: n.process.paused,
      dir: n.dir,
    }))
  }

  /** A new kafkajs client for these brokers, set up for tests (short finite retries, quiet logs). */
  client(overrides: Partial<KafkaConfig> & { logLevelName?: ClientLogLevel } = {}): Kafka {
    return createClient(this.brokerList, { logLevelName: this.clientLogLevel, ...overrides })
  }

  /** Consumer settings that join in a few hundred ms (a unique group id when none is given). */
  consumerConfig(groupId?: string, overrides: Partial<ConsumerConfig> = {}): ConsumerConfig {
    return testConsumerConfig(groupId ?? this.uniqueGroupId(), overrides)
  }

  /** Idempotent producer settings, one request in flight (order kept across retries). */
  producerConfig(overrides: Partial<ProducerConfig> = {}): ProducerConfig {
    return testProducerConfig(overrides)
  }

  /** A unique consumer-group id under the fixture's prefix (removed on stop for external brokers). */
  uniqueGroupId(): string {
    const g = this.names.next('g')
    this.createdGroups.add(g)
    return g
  }

  /** A unique topic name under the fixture's prefix (not created). */
  uniqueTopicName(): string {
    return this.names.next('t')
  }

  private client0(): Kafka {
    this.sharedClient ??= this.client()
    return this.sharedClient
  }

  private admin(): Promise<Admin> {
    this.adminPromise ??= (async () => {
      const admin = this.client0().admin()
      await admin.connect()
      return admin
    })().catch((err) => {
      this.adminPromise = undefined
      throw err
    })
    return this.adminPromise
  }

  private async resetAdmin(): Promise<void> {
    const p = this.adminPromise
    this.adminPromise = undefined
    if (p)
      await withTimeout(
        p.then((a) => a.disconnect()),
        5_000,
        'admin disconnect',
      ).catch(() => {})
  }

  private producer(): Promise<Producer> {
    this.producerPromise ??= (async () => {
      const producer = this.client0().producer(testProducerConfig())
      await producer.connect()
      return producer
    })().catch((err) => {
      this.producerPromise = undefined
      throw err
    })
    return this.producerPromise
  }

  private assertOpen(what: string): void {
    if (this.stopping) throw new InvalidOptionsError(what, 'the Kafka fixture was stopped')
  }

  /**
   * Creates a topic (unique name unless given) and waits until every partition has a leader known to
   * every running broker. Returns the name.
   */
  async createTopic(opts: CreateTopicOptions = {}): Promise<string> {
    this.assertOpen('createTopic')
    const partitions = opts.partitions ?? 1
    const maxRf = this.cluster ? this.cluster.nodes.length : Number.POSITIVE_INFINITY
    const rf = opts.replicationFactor ?? (this.cluster ? Math.min(3, maxRf) : 1)
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
    const name = opts.name ?? this.uniqueTopicName()
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
      const admin = await this.admin()
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
        this.createdTopics.add(name)
        break
      } catch (err) {
        if (err instanceof InvalidOptionsError) throw err
        if (isNonRetriable(err)) throw err
        await this.resetAdmin()
        if (Date.now() + 200 >= deadline) {
          throw new WaitTimeoutError(`topic '${name}' to be created (${attempt} attempts)`, timeoutMs, {
            cause: err,
          })
        }
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    await this.waitForTopic(name, { partitions, timeoutMs: Math.max(1_000, deadline - Date.now()) })
    return name
  }

  /** The fixture-contract isolation method: a fresh topic for one test. */
  isolated(opts: CreateTopicOptions = {}): Promise<string> {
    return this.createTopic(opts)
  }

  /** Deletes a topic (any topic on a local cluster; only its own topics on external brokers). */
  async deleteTopic(name: string): Promise<void> {
    if (this.provider === 'external' && !this.createdTopics.has(name)) {
      throw new InvalidOptionsError(
        'deleteTopic',
        `'${name}' was not created by this fixture; external topics are never deleted`,
      )
    }
    const admin = await this.admin()
    await withTimeout(
      admin.deleteTopics({ topics: [name], timeout: 10_000 }),
      15_000,
      `topic '${name}' to be deleted`,
    )
    this.createdTopics.delete(name)
    this.partitionCache.delete(name)
  }

  /** Addresses to ask for metadata: running, unpaused local nodes, or the external bootstrap list. */
  private liveAddresses(): string[] {
    if (!this.cluster) return this.brokerList
    return this.cluster.nodes
      .filter((n) => n.process.running && !n.process.paused)
      .map((n) => `${LOCALHOST}:${n.brokerPort}`)
  }

  private async metadataFrom(addr: string, topics: string[] | null): Promise<WireMetadata> {
    const { host, port } = hostPort(addr)
    return fetchMetadata(host, port, topics, { timeoutMs: 2_000 })
  }

  /**
   * Waits until every partition of `topic` has a live leader in the metadata of every running broker
   * (and, with `fullIsr`, a complete ISR).
   */
  async waitForTopic(topic: string, opts: WaitForTopicOptions = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? 30_000
    await waitFor(
      async () => {
        const addrs = this.liveAddresses()
        if (addrs.length === 0) throw new Error('no running broker')
        const results = await Promise.all(addrs.map((a) => this.metadataFrom(a, [topic])))
        for (const md of results) {
          const t = md.topics.find((x) => x.name === topic)
          if (t?.errorCode !== 0) return false
          if (t.partitions.length < (opts.partitions ?? 1)) return false
          const live = new Set(md.brokers.map((b) => b.nodeId))
          for (const p of t.partitions) {
            if (p.errorCode !== 0 || p.leader < 0 || !live.has(p.leader)) return false
            if (opts.fullIsr && p.isr.length < p.replicas.length) return false
          }
        }
        return true
      },
      {
        what: `topic '${topic}' to have a live leader for every partition${opts.fullIsr ? ' and a full ISR' : ''} on every running broker`,
        timeoutMs,
        intervalMs: 25,
      },
    )
  }

  /** The broker id leading `partition` of `topic`, as the live brokers see it now. */
  async partitionLeader(topic: string, partition = 0): Promise<number> {
    for (const addr of this.liveAddresses()) {
      try {
        const md = await this.metadataFrom(addr, [topic])
        const p = md.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partition === partition)
        if (p && p.leader >= 0) return p.leader
      } catch {
        // try the next broker
      }
    }
    throw new InvalidOptionsError(
      'partitionLeader',
      `no live broker knows a leader for ${topic}[${partition}]`,
    )
  }

  /** Produces with a shared idempotent producer, acks=all by default. */
  async produce(
    topic: string,
    messages: ProduceMessage | readonly ProduceMessage[],
    opts: ProduceOptions = {},
  ): Promise<RecordMetadata[]> {
    this.assertOpen('produce')
    const producer = await this.producer()
    return produceMessages(producer, topic, messages, opts, {
      partitionMetadata: await this.partitionMetadata(topic),
      partitioner: this.partitioner,
    })
  }

  /** Partition metadata for the partitioner (cached per topic; empty when the topic is unknown). */
  private async partitionMetadata(topic: string): Promise<PartitionMetadata[]> {
    const hit = this.partitionCache.get(topic)
    if (hit) return hit
    for (const addr of this.liveAddresses()) {
      try {
        const t = (await this.metadataFrom(addr, [topic])).topics.find((x) => x.name === topic)
        if (t?.errorCode !== 0 || t.partitions.length === 0) return []
        const pm = t.partitions.map((p) => ({
          partitionErrorCode: p.errorCode,
          partitionId: p.partition,
          // the partitioner only needs to know partitions exist; leaders may move
          leader: Math.max(0, p.leader),
          replicas: p.replicas,
          isr: p.isr,
          offlineReplicas: [],
        }))
        this.partitionCache.set(topic, pm)
        return pm
      } catch {
        // next broker
      }
    }
    return []
  }

  /** Collects messages from `topic` until `count` arrived / `until` holds, within `timeoutMs`. */
  consume(topic: string, opts: ConsumeOptions): Promise<ConsumedMessage[]> {
    this.assertOpen('consume')
    const groupId = opts.groupId ?? this.uniqueGroupId()
    return consumeMessages(this.client0(), topic, opts, groupId)
  }

  /** Starts a consumer and resolves once it joined its group and got partitions. Stopped with the fixture. */
  async startConsumer(opts: JoinedConsumerOptions | string): Promise<JoinedConsumer> {
    this.assertOpen('startConsumer')
    const o: JoinedConsumerOptions = typeof opts === 'string' ? { topics: [opts] } : opts
    const c = await startJoinedConsumer(this.client0(), o, o.groupId ?? this.uniqueGroupId())
    this.consumers.add(c)
    const stop = c.stop
    c.stop = async () => {
      this.consumers.delete(c)
      await stop()
    }
    return c
  }

  // ---- KRaft ----------------------------------------------------------------------------------

  /**
   * The KRaft active controller's node id (the leader of `__cluster_metadata`, from DescribeQuorum;
   * `describeCluster().controller` is not it under KRaft). Waits (finite) while the quorum has no
   * leader or still names a node this fixture killed.
   */
  async activeController(opts: { timeoutMs?: number } = {}): Promise<number> {
    const targets = this.cluster
      ? () =>
          this.cluster!.nodes.filter((n) => n.process.running && !n.process.paused).map((n) => ({
            host: LOCALHOST,
            port: n.controllerPort,
          }))
      : () => this.brokerList.map(hostPort)
    const dead = () =>
      new Set(
        this.cluster?.nodes.filter((n) => !n.process.running || n.process.paused).map((n) => n.nodeId) ?? [],
      )
    return waitFor(
      async () => {
        const answers = await Promise.all(
          targets().map((t) => describeQuorum(t.host, t.port, { timeoutMs: 1_500 }).catch(() => undefined)),
        )
        let best: { leaderId: number; leaderEpoch: number } | undefined
        for (const a of answers) {
          if (a?.errorCode !== 0 || a.leaderId < 0) continue
          if (!best || a.leaderEpoch > best.leaderEpoch) best = a
        }
        if (!best || dead().has(best.leaderId)) return undefined
        return best.leaderId
      },
      {
        what: 'the KRaft quorum to report a live active controller',
        timeoutMs: opts.timeoutMs ?? 20_000,
        intervalMs: 50,
      },
    )
  }

  // ---- faults (local provider) ----------------------------------------------------------------

  private requireCluster(what: string): LocalCluster {
    if (!this.cluster) {
      throw new InvalidOptionsError(
        what,
        `broker faults need the 'local' provider (this fixture is '${this.provider}')`,
      )
    }
    return this.cluster
  }

  private node(id: number, what: string): KafkaNode {
    const n = this.requireCluster(what).nodes.find((x) => x.nodeId === id)
    if (!n) throw new InvalidOptionsError(what, `no broker with id ${id} (ids: ${this.nodeIds.join(', ')})`)
    return n
  }

  /** SIGKILL one broker (a crash). Resolves once it has exited. */
  async killBroker(id: number): Promise<void> {
    await this.node(id, 'killBroker').process.kill()
  }

  /**
   * Starts a broker again (same ports, same data): gracefully stops it first if it is running.
   * Resolves once it has rejoined (caught up with the metadata log and unfenced).
   */
  async restartBroker(id: number): Promise<void> {
    const n = this.node(id, 'restartBroker')
    if (n.process.running) await n.process.restart({ graceMs: 15_000 })
    else await n.process.start()
  }

  /** SIGSTOP one broker: it hangs, clients and peers see timeouts. */
  async pauseBroker(id: number): Promise<void> {
    this.node(id, 'pauseBroker').process.pause()
  }

  /** SIGCONT a paused broker. */
  async resumeBroker(id: number): Promise<void> {
    this.node(id, 'resumeBroker').process.resume()
  }

  /** The broker's last log lines (WARN and above, plus its start line). */
  brokerLogs(id: number, lines?: number): string[] {
    return this.node(id, 'brokerLogs').process.logs(lines)
  }

  /** The pid (= process group) of a broker's JVM, undefined before its first start. */
  brokerPid(id: number): number | undefined {
    return this.node(id, 'brokerPid').process.pid
  }

  /** SIGKILL every broker. */
  async kill(): Promise<void> {
    this.requireCluster('kill')
    for (const id of this.nodeIds) await this.killBroker(id)
  }

  /** SIGSTOP every broker. */
  async pause(): Promise<void> {
    this.requireCluster('pause')
    for (const id of this.nodeIds) await this.pauseBroker(id)
  }

  /** SIGCONT every broker. */
  async resume(): Promise<void> {
    this.requireCluster('resume')
    for (const id of this.nodeIds) await this.resumeBroker(id)
  }

  /** Restarts the whole cluster (same ports, same data) and waits until every broker is back. */
  async restart(): Promise<void> {
    const cluster = this.requireCluster('restart')
    await Promise.all(cluster.nodes.map((n) => n.process.stop({ graceMs: this.stopGraceMs })))
    await Promise.all(cluster.nodes.map((n) => n.process.start()))
    await cluster.waitForBrokers(cluster.nodes.length, this.startTimeoutMs)
  }

  /** Waits until `expected` brokers (default: all) are registered and unfenced on every running node. */
  async waitForBrokers(expected?: number, timeoutMs = 30_000): Promise<void> {
    if (!this.cluster) {
      await waitFor(
        async () => (await this.metadataFrom(this.brokerList[0]!, [])).brokers.length >= (expected ?? 1),
        {
          what: `${expected ?? 1} brokers to be registered`,
          timeoutMs,
        },
      )
      return
    }
    await this.cluster.waitForBrokers(expected ?? this.cluster.nodes.length, timeoutMs)
  }

  /** True when every running local node sees `expected` brokers right now. */
  async brokersVisible(expected: number): Promise<boolean> {
    return this.cluster ? brokersVisible(this.cluster.nodes, expected) : true
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Disconnects the fixture's clients and consumers; external: deletes the topics and groups it
   * created (nothing else); local: stops the brokers (SIGTERM, SIGKILL after a short grace) and
   * removes their data. Idempotent, also after a crash.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop()
    return this.stopping
  }

  private async doStop(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop().catch(() => {})))
    const quietly = async (p: Promise<unknown>, ms: number) => {
      await withTimeout(p, ms, 'a kafkajs client to disconnect').catch(() => {})
    }
    if (this.producerPromise)
      await quietly(
        this.producerPromise.then((p) => p.disconnect()),
        5_000,
      )
    if (this.adminPromise) {
      if (this.deleteOwnTopics) await this.cleanupOwn()
      await quietly(
        this.adminPromise.then((a) => a.disconnect()),
        5_000,
      )
    }
    await this.cluster?.stop(this.stopGraceMs)
  }

  private async cleanupOwn(): Promise<void> {
    const admin = await this.adminPromise!.catch(() => undefined)
    if (!admin) return
    const own = [...this.createdTopics]
    if (own.length) {
      await withTimeout(
        admin.deleteTopics({ topics: own, timeout: 10_000 }),
        15_000,
        'own topics to be deleted',
      ).catch(() => {})
    }
    const groups = [...this.createdGroups]
    if (groups.length) {
      try {
        const existing = new Set((await admin.listGroups()).groups.map((g) => g.groupId))
        const mine = groups.filter((g) => existing.has(g))
        if (mine.length) await withTimeout(admin.deleteGroups(mine), 10_000, 'own groups to be deleted')
      } catch {
        // best effort: groups expire on their own
      }
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}
