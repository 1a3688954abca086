import os from 'node:os'
import { LOOPBACK } from '@infra/fixture-core'

export type ConfigValue = string | number | boolean

export interface NodeAddress {
  nodeId: number
  brokerPort: number
  controllerPort: number
}

/** The host name brokers advertise to clients (they always bind 127.0.0.1). */
export type AdvertisedHost = 'localhost' | '127.0.0.1'

export interface NodeConfigInput {
  node: NodeAddress
  /** Every node of the cluster (static KRaft voters). */
  cluster: readonly NodeAddress[]
  logDir: string
  /** Host name in `advertised.listeners`. Default 127.0.0.1. */
  advertisedHost?: AdvertisedHost
  /** User overrides, applied last. */
  overrides?: Readonly<Record<string, ConfigValue>>
}

/**
 * Settings the fixture owns (the node's identity, roles, quorum, listeners and storage): a
 * `brokerConfig` / `nodeConfig` that sets one is rejected, with what to use instead.
 */
export const FIXTURE_OWNED_CONFIG: Readonly<Record<string, string>> = {
  'process.roles': 'every node is a combined broker+controller',
  'node.id': 'use the firstNodeId option',
  'broker.id': 'use the firstNodeId option',
  'controller.quorum.voters': 'the fixture sets the static voters of its nodes',
  'controller.quorum.bootstrap.servers': 'the fixture sets the static voters of its nodes',
  listeners: 'the nodes listen on 127.0.0.1 on ephemeral ports',
  'advertised.listeners': "use the advertisedHost option ('localhost' or '127.0.0.1')",
  'controller.listener.names': 'the fixture names its listeners',
  'inter.broker.listener.name': 'the fixture names its listeners',
  'listener.security.protocol.map': 'the fixture names its listeners',
  'log.dirs': "the node's data dir is formatted and removed by the fixture",
  'log.dir': "the node's data dir is formatted and removed by the fixture",
  'metadata.log.dir': "the node's data dir is formatted and removed by the fixture",
  'zookeeper.connect': 'KRaft only',
}

/** `1@127.0.0.1:9093,2@…`: the static controller quorum. */
export function quorumVoters(cluster: readonly NodeAddress[]): string {
  return cluster.map((n) => `${n.nodeId}@${LOOPBACK}:${n.controllerPort}`).join(',')
}

/** The 1-minute load average per CPU: above 1, runnable processes wait for a core. */
export function machineLoadPerCpu(): number {
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  return os.loadavg()[0]! / Math.max(1, cpus)
}

/**
 * KRaft election timing. A new multi-node quorum elects its first leader after a random 1–2 × the
 * election timeout: 300 ms gives a quiet machine's 3-node cluster a controller ~1 s sooner than
 * Kafka's 1000 ms (a test run's own brokers and runner make a load of 1–3 per CPU: still quiet; at a
 * load of 2.2–3.3 per CPU, 3-node starts took p50 2.6 s with 300 ms against 3.1 s with 1000 ms on
 * Kafka 4.3, whose pre-vote keeps an early candidate from bumping the epoch). On a very busy machine
 * (load per CPU ≥ 4) nodes come up seconds apart and a short timeout makes the late ones start new
 * elections over and over (measured at a load of 15–30: 2–3 s of churn against ~0.5 s), so there
 * Kafka's defaults apply. A leader that stops answering is voted out after the fetch timeout either way.
 */
export function quorumElectionConfig(loadPerCpu: number): Record<string, ConfigValue> {
  const quiet = loadPerCpu < 4
  return {
    'controller.quorum.election.timeout.ms': quiet ? 300 : 1000,
    'controller.quorum.election.backoff.max.ms': quiet ? 200 : 1000,
  }
}

/**
 * In one JVM (`sharedJvm`) every node's raft client starts within a few ms of the others, so their
 * random 300–600 ms election timeouts often end close together: two stand, each votes for itself, and
 * another round follows. There the first node stands alone: its 100–200 ms timeout (retried until the
 * others' controller listeners accept, ~0.2 s after the raft clients start) ends long before the others'
 * 1 000–2 000 ms. The others' longer timeout costs nothing: a shared JVM's nodes cannot fail one by one.
 */
export function sharedJvmElectionConfig(nodeIndex: number): Record<string, ConfigValue> {
  return { 'controller.quorum.election.timeout.ms': nodeIndex === 0 ? 100 : 1000 }
}

/**
 * Broker settings tuned for tests on a small machine: combined broker+controller (KRaft), loopback
 * only, internal topics sized and replicated to the cluster, no initial rebalance delay, short
 * session timeouts so failover takes seconds, few threads, small buffers; the quorum's election
 * timing follows the machine's load (see {@link quorumElectionConfig}).
 */
export function testBrokerDefaults(
  clusterSize: number,
  loadPerCpu = machineLoadPerCpu(),
): Record<string, ConfigValue> {
  const rf = Math.min(3, clusterSize)
  const minIsr = Math.min(2, rf)
  return {
    'offsets.topic.replication.factor': rf,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': minIsr,
    'transaction.state.log.num.partitions': 4,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': minIsr,
    'share.coordinator.state.topic.num.partitions': 2,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'auto.create.topics.enable': true,
    'group.initial.rebalance.delay.ms': 0,
    'group.min.session.timeout.ms': 1000,
    // KRaft liveness: a SIGKILLed broker is fenced (and dropped from ISRs) after 1.5 s (7 missed
    // heartbeats: a busy machine's scheduling hiccup does not fence a live broker)
    'broker.heartbeat.interval.ms': 200,
    'broker.session.timeout.ms': 1500,
    ...quorumElectionConfig(loadPerCpu),
    'controller.quorum.fetch.timeout.ms': 1500,
    'replica.lag.time.max.ms': 5000,
    'replica.socket.timeout.ms': 5000,
    'replica.fetch.wait.max.ms': 100,
    // a follower whose first fetch of a new partition reaches the leader before the leader knows it
    // leads that partition waits this long before asking again: with Kafka's 1 000 ms, 8 of 25 first
    // produces (acks=all) to a new 3-replica topic took ~1.1 s; at 50 ms none took over 172 ms
    'replica.fetch.backoff.ms': 50,
    // the KRaft leader waits this long for more metadata writes before it flushes a batch (Kafka: 25 ms);
    // every topic creation and broker registration waits for one: createTopic on one broker 45 → 21 ms
    'controller.quorum.append.linger.ms': 1,
    'unclean.leader.election.enable': false,
    // no JMX: a broker registers each of its metrics as an MBean at start, which no test can reach (no
    // JMX port): without them a start takes ~8 % less CPU (10 paired starts: wall p50 1 184 → 1 080 ms).
    // `metric.reporters` is Kafka 4's JmxReporter by default; 3.x adds it itself, and the exclude covers both
    'metric.reporters': '',
    'metrics.jmx.exclude': '.*',
    'num.network.threads': 2,
    'num.io.threads': 2,
    'background.threads': 2,
    'num.replica.fetchers': 1,
    'num.recovery.threads.per.data.dir': 1,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 4 * 1024 * 1024,
    'log.segment.bytes': 64 * 1024 * 1024,
    // each partition's offset and time indexes are mapped at this size (10 MB by default); 1 MB
    // holds a 64 MB segment's entries many times over
    'log.index.size.max.bytes': 1024 * 1024,
    'log.retention.check.interval.ms': 300_000,
    'queued.max.requests': 200,
  }
}

function renderValue(v: ConfigValue): string {
  return String(v).replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}

/** server.properties for one combined broker+controller node. */
export function renderServerProperties(input: NodeConfigInput): string {
  const { node, cluster, logDir } = input
  const props: Record<string, ConfigValue> = {
    'process.roles': 'broker,controller',
    'node.id': node.nodeId,
    'controller.quorum.voters': quorumVoters(cluster),
    listeners: `PLAINTEXT://${LOOPBACK}:${node.brokerPort},CONTROLLER://${LOOPBACK}:${node.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${input.advertisedHost ?? LOOPBACK}:${node.brokerPort}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': logDir,
    ...testBrokerDefaults(cluster.length),
    ...(input.overrides ?? {}),
  }
  return `${Object.entries(props)
    .map(([k, v]) => `${k}=${renderValue(v)}`)
    .join('\n')}\n`
}
