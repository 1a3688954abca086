import { LOOPBACK } from '@infra/fixture-core'

export type ConfigValue = string | number | boolean

export interface NodeAddress {
  nodeId: number
  brokerPort: number
  controllerPort: number
}

export interface NodeConfigInput {
  node: NodeAddress
  /** Every node of the cluster (static KRaft voters). */
  cluster: readonly NodeAddress[]
  logDir: string
  /** User overrides, applied last. */
  overrides?: Readonly<Record<string, ConfigValue>>
}

/** `1@127.0.0.1:9093,2@…`: the static controller quorum. */
export function quorumVoters(cluster: readonly NodeAddress[]): string {
  return cluster.map((n) => `${n.nodeId}@${LOOPBACK}:${n.controllerPort}`).join(',')
}

/**
 * Broker settings tuned for tests on a small machine: combined broker+controller (KRaft), loopback
 * only, internal topics sized and replicated to the cluster, no initial rebalance delay, short
 * session timeouts so failover takes seconds, few threads, small buffers.
 */
export function testBrokerDefaults(clusterSize: number): Record<string, ConfigValue> {
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
    // KRaft liveness: a SIGKILLed broker is fenced (and dropped from ISRs) after 2 s
    'broker.heartbeat.interval.ms': 250,
    'broker.session.timeout.ms': 2000,
    'controller.quorum.election.timeout.ms': 1000,
    'controller.quorum.fetch.timeout.ms': 2000,
    'replica.lag.time.max.ms': 5000,
    'replica.socket.timeout.ms': 5000,
    'replica.fetch.wait.max.ms': 100,
    'unclean.leader.election.enable': false,
    'num.network.threads': 2,
    'num.io.threads': 2,
    'background.threads': 2,
    'num.replica.fetchers': 1,
    'num.recovery.threads.per.data.dir': 1,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 4 * 1024 * 1024,
    'log.segment.bytes': 64 * 1024 * 1024,
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
    'advertised.listeners': `PLAINTEXT://${LOOPBACK}:${node.brokerPort}`,
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
