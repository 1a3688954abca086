import { FixtureLifecycle, type FixtureServer } from '@infra/fixture-core'
import type { ConsumerConfig, Kafka, KafkaConfig, ProducerConfig, RecordMetadata } from 'kafkajs'
import { BrokerFaults } from './broker/broker-faults.js'
import {
  activeController,
  allBrokersVisible,
  describeNodes,
  type NodeInfo,
  waitForBrokers,
} from './broker/cluster-state.js'
import { type FixtureBrokers, liveAddresses } from './broker/live-brokers.js'
import { type ClientLogLevel, testConsumerConfig, testProducerConfig } from './clients/client-config.js'
import {
  type ConsumedMessage,
  type ConsumeOptions,
  consumeMessages,
  type JoinedConsumer,
  type JoinedConsumerOptions,
} from './clients/consume.js'
import { FixtureClients } from './clients/fixture-clients.js'
import {
  defaultPartitioner,
  type ProduceMessage,
  type ProduceOptions,
  produceMessages,
} from './clients/produce.js'
import { warmProducerIds } from './clients/producer-id-warmup.js'
import { TrackedConsumers } from './clients/tracked-consumers.js'
import type { KafkaConnectionInfo, KafkaFixtureInit, KafkaProvider } from './fixture-init.js'
import { KafkaTopic, type TopicRef, topicName } from './topics/kafka-topic.js'
import { OwnedResources } from './topics/owned-resources.js'
import { type CreateTopicOptions, TopicAdmin } from './topics/topic-admin.js'
import {
  PartitionCache,
  partitionLeader,
  type WaitForTopicOptions,
  waitForTopic,
} from './topics/topic-metadata.js'
import { findGroupCoordinator, hostPort } from './wire/kafka-wire.js'

export type { NodeInfo } from './broker/cluster-state.js'
export type { KafkaConnectionInfo, KafkaFixtureInit, KafkaProvider } from './fixture-init.js'
export type { CreateTopicOptions } from './topics/topic-admin.js'
export type { WaitForTopicOptions } from './topics/topic-metadata.js'

/**
 * A running Kafka (a local cluster this process started, or external brokers) with the helpers tests
 * need: unique topics, produce/consume, a kafkajs client tuned for tests and, for the local provider,
 * broker faults (kill, pause, restart) and the KRaft active controller.
 */
// The handle only wires the parts together: topics (TopicAdmin), metadata queries (topic-metadata,
// cluster-state), shared kafkajs clients (FixtureClients), own names (OwnedResources), consumers
// (TrackedConsumers) and broker faults (BrokerFaults).
export class KafkaFixture implements FixtureServer<KafkaTopic> {
  readonly service = 'kafka'
  readonly provider: KafkaProvider
  /** Kafka version of the brokers (local) or as configured (external). */
  readonly version: string
  /** Prefix of every topic and group this fixture creates. */
  readonly topicPrefix: string
  private readonly where: FixtureBrokers
  private readonly owned: OwnedResources
  private readonly clients: FixtureClients
  private readonly partitions: PartitionCache
  private readonly topics: TopicAdmin
  private readonly consumers = new TrackedConsumers()
  private readonly faults: BrokerFaults
  private readonly partitioner = defaultPartitioner()
  private readonly deleteOwnTopics: boolean
  private readonly stopGraceMs: number
  readonly #life = new FixtureLifecycle('kafka')
  /** Ends the background warm-up (see {@link warmUp}) when the fixture stops. */
  readonly #warmUps = new AbortController()

  constructor(init: KafkaFixtureInit) {
    this.provider = init.provider
    this.version = init.version
    this.topicPrefix = init.topicPrefix
    this.where = { brokerList: init.brokers, cluster: init.cluster }
    this.owned = new OwnedResources(init.topicPrefix)
    this.clients = new FixtureClients(init.brokers, init.clientLogLevel)
    this.partitions = new PartitionCache(this.where)
    this.topics = new TopicAdmin({
      // brokers this handle did not start (external, or a global setup's): it deletes only its own topics
      external: !init.cluster,
      brokers: this.where,
      clients: this.clients,
      owned: this.owned,
      partitions: this.partitions,
    })
    this.stopGraceMs = init.stopGraceMs ?? 1_000
    this.faults = new BrokerFaults({
      cluster: init.cluster,
      provider: init.provider,
      assertRunning: (op) => this.#life.assertRunning(op),
      stopGraceMs: this.stopGraceMs,
      startTimeoutMs: init.startTimeoutMs ?? 60_000,
    })
    this.deleteOwnTopics = init.deleteOwnTopics ?? !init.cluster
  }

  /**
   * Starts, in the background, what the first produce/consume would otherwise wait for: each broker's
   * first producer-id block, the shared idempotent producer (metadata + producer id) and the
   * `__consumer_offsets` topic. Never throws.
   */
  warmUp(): void {
    if (!this.#life.isRunning) return
    const live = liveAddresses(this.where)
    const { signal } = this.#warmUps
    const ids = warmProducerIds(live, 5_000, signal)
    ids.catch(() => {}) // awaited (and its failure ignored) only by the producer that is made now
    this.clients.producer(ids, signal).catch(() => {})
    const addr = live[0]
    if (addr) {
      const { host, port } = hostPort(addr)
      findGroupCoordinator(host, port, `${this.topicPrefix}warmup`, { timeoutMs: 5_000 }).catch(() => {})
    }
  }

  /**
   * Bootstrap addresses, `['127.0.0.1:port', …]` (`localhost:port` with `advertisedHost: 'localhost'`; all
   * nodes, also those currently killed).
   */
  get brokers(): string[] {
    return [...this.where.brokerList]
  }

  /** The brokers, version and provider, for another process: `connectKafka(kafka.connectionInfo)`. */
  get connectionInfo(): KafkaConnectionInfo {
    return { brokers: this.brokers, version: this.version, provider: this.provider }
  }

  /** Connection info for another process or language: `{ KAFKA_BROKERS: 'host:port,host:port' }`. */
  env(): Record<string, string> {
    return { KAFKA_BROKERS: this.where.brokerList.join(',') }
  }

  /** KRaft cluster id (local provider). */
  get clusterId(): string | undefined {
    return this.where.cluster?.clusterId
  }

  /** Node ids of the local cluster (`firstNodeId`…, default 1..n); empty for external brokers. */
  get nodeIds(): number[] {
    return this.faults.nodeIds
  }

  /** Whether the local nodes run with the class-data-sharing archive. */
  get usesCds(): boolean {
    return this.where.cluster?.cds ?? false
  }

  /**
   * The Java the local nodes run on and the class archive they map: `'aot'` (Java 25+'s ahead-of-time
   * cache), `'cds'` (an AppCDS archive, Java 17–24) or undefined (none); undefined for external brokers.
   */
  get jvm(): { java: string; major: number; classArchive: 'aot' | 'cds' | undefined } | undefined {
    return this.where.cluster?.jvm
  }

  /** True when one JVM runs every local node (`startKafka({ nodes, sharedJvm: true })`). */
  get sharedJvm(): boolean {
    return this.where.cluster?.sharedJvm ?? false
  }

  /** State of each local node. */
  get nodes(): NodeInfo[] {
    return describeNodes(this.where.cluster)
  }

  // ---- clients --------------------------------------------------------------------------------

  /** A new kafkajs client for these brokers, set up for tests (short finite retries, quiet logs). */
  client(overrides: Partial<KafkaConfig> & { logLevelName?: ClientLogLevel } = {}): Kafka {
    this.#life.assertRunning('client')
    return this.clients.create(overrides)
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
    return this.owned.uniqueGroupId()
  }

  /** A unique topic name under the fixture's prefix (not created). */
  uniqueTopicName(): string {
    return this.owned.uniqueTopicName()
  }

  // ---- topics ---------------------------------------------------------------------------------

  /**
   * Creates a topic (unique name unless given) and waits until every partition has a leader known to
   * every running broker. Returns the name.
   */
  async createTopic(opts: CreateTopicOptions = {}): Promise<string> {
    this.#life.assertRunning('createTopic')
    return this.topics.create(opts)
  }

  /**
   * A fresh topic for one test (the fixture contract): `await using topic = await kafka.isolated()` deletes it
   * at the end of the scope. Same options as {@link createTopic}.
   */
  async isolated(opts: CreateTopicOptions = {}): Promise<KafkaTopic> {
    this.#life.assertRunning('isolated')
    const name = await this.topics.create(opts)
    return new KafkaTopic(name, opts.partitions ?? 1, async (n) => {
      if (this.#life.isRunning) await this.topics.delete(n)
    })
  }

  /** Deletes a topic (any topic on a local cluster; only its own topics on external brokers). */
  async deleteTopic(topic: TopicRef): Promise<void> {
    this.#life.assertRunning('deleteTopic')
    await this.topics.delete(topicName(topic))
  }

  /**
   * Waits until every partition of `topic` has a live leader in the metadata of every running broker
   * (and, with `fullIsr`, a complete ISR).
   */
  async waitForTopic(topic: TopicRef, opts: WaitForTopicOptions = {}): Promise<void> {
    this.#life.assertRunning('waitForTopic')
    await waitForTopic(this.where, topicName(topic), opts)
  }

  /** The broker id leading `partition` of `topic`, as the live brokers see it now. */
  async partitionLeader(topic: TopicRef, partition = 0): Promise<number> {
    this.#life.assertRunning('partitionLeader')
    return partitionLeader(this.where, topicName(topic), partition)
  }

  // ---- produce / consume ----------------------------------------------------------------------

  /** Produces with a shared idempotent producer, acks=all by default. */
  async produce(
    topic: TopicRef,
    messages: ProduceMessage | readonly ProduceMessage[],
    opts: ProduceOptions = {},
  ): Promise<RecordMetadata[]> {
    this.#life.assertRunning('produce')
    const name = topicName(topic)
    const producer = await this.clients.producer()
    this.clients.producing(name)
    return produceMessages(producer, name, messages, opts, {
      partitionMetadata: await this.partitions.get(name),
      partitioner: this.partitioner,
    })
  }

  /**
   * Collects messages from `topic` until `count` arrived / `until` holds, within `timeoutMs` (default 15 s),
   * with a fresh consumer group that reads **from the beginning** of the topic (`fromBeginning: false` for only
   * new messages).
   */
  async consume(topic: TopicRef, opts: ConsumeOptions): Promise<ConsumedMessage[]> {
    this.#life.assertRunning('consume')
    const groupId = opts?.groupId ?? this.uniqueGroupId()
    return consumeMessages(this.clients.shared(), topicName(topic), opts, groupId)
  }

  /**
   * Starts a consumer and resolves once it joined its group and got partitions (from the beginning of the
   * topics unless `fromBeginning: false`). `await using` or `stop()` ends it; the fixture's stop ends the rest.
   */
  async startConsumer(opts: JoinedConsumerOptions | TopicRef): Promise<JoinedConsumer> {
    this.#life.assertRunning('startConsumer')
    const o: JoinedConsumerOptions =
      typeof opts === 'string' || opts instanceof KafkaTopic ? { topics: [opts] } : opts
    return this.consumers.start(this.clients.shared(), o, o.groupId ?? this.uniqueGroupId())
  }

  // ---- KRaft ----------------------------------------------------------------------------------

  /**
   * The KRaft active controller's node id (the leader of `__cluster_metadata`, from DescribeQuorum;
   * `describeCluster().controller` is not it under KRaft). Waits (finite) while the quorum has no
   * leader or still names a node this fixture killed.
   */
  async activeController(opts: { timeoutMs?: number } = {}): Promise<number> {
    this.#life.assertRunning('activeController')
    return activeController(this.where, opts)
  }

  // ---- faults (local provider) ----------------------------------------------------------------

  /**
   * SIGKILL one broker (a crash). Resolves once it has exited. Single-broker faults need each node in
   * its own JVM: with `sharedJvm` they throw `UnsupportedOperationError`.
   */
  async killBroker(id: number): Promise<void> {
    await this.faults.killBroker(id)
  }

  /**
   * Starts a broker again (same ports, same data): gracefully stops it first if it is running.
   * Resolves once it has rejoined (caught up with the metadata log and unfenced).
   */
  async restartBroker(id: number): Promise<void> {
    await this.faults.restartBroker(id)
  }

  /** SIGSTOP one broker: it hangs, clients and peers see timeouts. */
  async pauseBroker(id: number): Promise<void> {
    await this.faults.pauseBroker(id)
  }

  /** SIGCONT a paused broker. */
  async resumeBroker(id: number): Promise<void> {
    await this.faults.resumeBroker(id)
  }

  /** The broker's last log lines (WARN and above, plus its start line); with `sharedJvm`, every node's. */
  brokerLogs(id: number, lines?: number): string[] {
    return this.faults.node(id, 'brokerLogs').process.logs(lines)
  }

  /** The pid (= process group) of a broker's JVM (with `sharedJvm`, the same for all), undefined before its first start. */
  brokerPid(id: number): number | undefined {
    return this.faults.node(id, 'brokerPid').process.pid
  }

  /** SIGKILL every broker. */
  async kill(): Promise<void> {
    await this.faults.killAll()
  }

  /** SIGSTOP every broker. */
  async pause(): Promise<void> {
    await this.faults.pauseAll()
  }

  /** SIGCONT every broker. */
  async resume(): Promise<void> {
    await this.faults.resumeAll()
  }

  /** Restarts the whole cluster (same ports, same data) and waits until every broker is back. */
  async restart(): Promise<void> {
    await this.faults.restartAll()
  }

  /** Waits until `expected` brokers (default: all) are registered and unfenced on every running node. */
  async waitForBrokers(expected?: number, timeoutMs = 30_000): Promise<void> {
    this.#life.assertRunning('waitForBrokers')
    await waitForBrokers(this.where, expected, timeoutMs)
  }

  /** True when every running local node sees `expected` brokers right now. */
  async brokersVisible(expected: number): Promise<boolean> {
    return allBrokersVisible(this.where, expected)
  }

  // ---- lifecycle ------------------------------------------------------------------------------

  /**
   * Disconnects the fixture's clients and consumers; external: deletes the topics and groups it
   * created (nothing else); local: stops the brokers (SIGTERM, SIGKILL after a short grace) and
   * removes their data. Idempotent, also after a crash.
   */
  stop(): Promise<void> {
    return this.#life.stopOnce(() => this.doStop())
  }

  private async doStop(): Promise<void> {
    // a stop right after a kill() found the warm-up still asking dead brokers: stop() took its 5 s
    this.#warmUps.abort()
    await this.consumers.stopAll()
    await this.clients.disconnectProducer()
    const admin = this.clients.startedAdmin
    if (admin) {
      if (this.deleteOwnTopics) await this.owned.deleteAll(admin)
      await this.clients.disconnectAdmin()
    }
    await this.where.cluster?.stop(this.stopGraceMs)
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}
