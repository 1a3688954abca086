import { LOOPBACK, waitFor } from '@infra/fixture-core'
import { describeQuorum, hostPort } from '../wire/kafka-wire.js'
import { brokerLogFile } from './broker-logs.js'
import { isLive } from './kafka-node.js'
import { type FixtureBrokers, metadataFrom } from './live-brokers.js'
import { brokersVisible, type LocalCluster } from './local-cluster.js'

export interface NodeInfo {
  id: number
  /** `host:port` as the broker advertises it. */
  broker: string
  brokerPort: number
  controllerPort: number
  pid: number | undefined
  running: boolean
  paused: boolean
  /** The node's directory (server.properties, data/), removed on stop. */
  dir: string
  /**
   * The file its logs were written to when it last failed to start or crashed (under the run dir, kept
   * until the test run ends); undefined while it never failed. `brokerLogs(id)` has them in memory.
   */
  logFile: string | undefined
}

/** State of each local node (none without a cluster). */
export function describeNodes(cluster: LocalCluster | undefined): NodeInfo[] {
  if (!cluster) return []
  return cluster.nodes.map((n) => ({
    id: n.nodeId,
    broker: `${cluster.advertisedHost}:${n.brokerPort}`,
    brokerPort: n.brokerPort,
    controllerPort: n.controllerPort,
    pid: n.process.pid,
    running: n.process.running,
    paused: n.process.paused,
    dir: n.dir,
    logFile: brokerLogFile(n),
  }))
}

/**
 * The KRaft active controller's node id (the leader of `__cluster_metadata`, from DescribeQuorum;
 * `describeCluster().controller` is not it under KRaft). Waits (finite) while the quorum has no
 * leader or still names a node that is killed or paused.
 */
export function activeController(
  brokers: FixtureBrokers,
  opts: { timeoutMs?: number } = {},
): Promise<number> {
  const { cluster } = brokers
  const targets = cluster
    ? () =>
        cluster.nodes.filter(isLive).map((n) => ({
          host: LOOPBACK,
          port: n.controllerPort,
        }))
    : () => brokers.brokerList.map(hostPort)
  const dead = () => new Set(cluster?.nodes.filter((n) => !isLive(n)).map((n) => n.nodeId) ?? [])
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

/**
 * Waits until `expected` brokers (default: all local nodes; external: 1) are registered (local: and
 * unfenced on every running node; external: in the first bootstrap broker's metadata).
 */
export async function waitForBrokers(
  brokers: FixtureBrokers,
  expected: number | undefined,
  timeoutMs: number,
): Promise<void> {
  if (!brokers.cluster) {
    await waitFor(
      async () => (await metadataFrom(brokers.brokerList[0]!, [])).brokers.length >= (expected ?? 1),
      {
        what: `${expected ?? 1} brokers to be registered`,
        timeoutMs,
      },
    )
    return
  }
  await brokers.cluster.waitForBrokers(expected ?? brokers.cluster.nodes.length, timeoutMs)
}

/** True when every running local node sees `expected` brokers right now (always true for external brokers). */
export async function allBrokersVisible(brokers: FixtureBrokers, expected: number): Promise<boolean> {
  return brokers.cluster ? brokersVisible(brokers.cluster.nodes, expected) : true
}
