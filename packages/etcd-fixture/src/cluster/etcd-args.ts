import { LOOPBACK } from '@infra/fixture-core'
import type { RaftTimings } from './timings.js'

/**
 * Where one node listens and how its peers reach it. `advertisePeerUrl` is what goes into
 * `--initial-cluster`: by default the listen URL; a proxy in front of the peer port (e.g. Toxiproxy for
 * network faults) advertises its own address instead.
 */
export interface EtcdNodeAddress {
  index: number
  /** Member name, `node-<index>`. */
  name: string
  clientPort: number
  peerPort: number
  clientUrl: string
  listenPeerUrl: string
  advertisePeerUrl: string
}

/**
 * The URL node `index`'s peers use to reach it, given where it listens: e.g. start a proxy in front of
 * `listenPeerUrl` and return the proxy's URL. Called once per node for each start attempt (a port clash
 * retries the whole cluster on new ports).
 */
export type PeerUrlMapper = (node: {
  index: number
  name: string
  listenPeerUrl: string
}) => string | Promise<string>

/**
 * Lays out `ports.length / 2` nodes: node i gets client port `ports[2i]` and peer port `ports[2i+1]`, and
 * advertises `advertised[i]` to its peers (default: its peer listen URL).
 */
export function planNodes(ports: readonly number[], advertised: readonly string[] = []): EtcdNodeAddress[] {
  if (ports.length === 0 || ports.length % 2 !== 0) {
    throw new Error(`planNodes needs two ports per node, got ${ports.length}`)
  }
  return Array.from({ length: ports.length / 2 }, (_, index) => {
    const clientPort = ports[2 * index]!
    const peerPort = ports[2 * index + 1]!
    const listenPeerUrl = `http://${LOOPBACK}:${peerPort}`
    return {
      index,
      name: nodeName(index),
      clientPort,
      peerPort,
      clientUrl: `http://${LOOPBACK}:${clientPort}`,
      listenPeerUrl,
      advertisePeerUrl: advertised[index] ?? listenPeerUrl,
    }
  })
}

/** The member name of node `index`. */
export function nodeName(index: number): string {
  return `node-${index}`
}

/** Asks `mapper` (when given) for the advertised peer URL of each node of a plan. */
export async function advertisedPeerUrls(
  plan: readonly EtcdNodeAddress[],
  mapper: PeerUrlMapper | undefined,
): Promise<string[]> {
  if (!mapper) return plan.map((n) => n.listenPeerUrl)
  return Promise.all(
    plan.map((n) => mapper({ index: n.index, name: n.name, listenPeerUrl: n.listenPeerUrl })),
  )
}

export interface NodeLaunch {
  dataDir: string
  /** Unique per cluster and run: nodes of another cluster can never join this one. */
  token: string
  timings: RaftTimings
  /** etcd's own log level (zap logger, stderr). */
  logLevel: 'debug' | 'info' | 'warn' | 'error'
  /** Extra command-line flags, `--flag=value`, after the fixture's own (so they win). */
  extraArgs?: readonly string[]
}

/** The command line of one etcd node of `cluster` (a new cluster; etcd ignores the bootstrap flags once it has data). */
export function etcdArgs(
  node: EtcdNodeAddress,
  cluster: readonly EtcdNodeAddress[],
  launch: NodeLaunch,
): string[] {
  return [
    `--name=${node.name}`,
    `--data-dir=${launch.dataDir}`,
    `--listen-client-urls=${node.clientUrl}`,
    `--advertise-client-urls=${node.clientUrl}`,
    `--listen-peer-urls=${node.listenPeerUrl}`,
    `--initial-advertise-peer-urls=${node.advertisePeerUrl}`,
    `--initial-cluster=${cluster.map((n) => `${n.name}=${n.advertisePeerUrl}`).join(',')}`,
    `--initial-cluster-token=${launch.token}`,
    '--initial-cluster-state=new',
    `--heartbeat-interval=${launch.timings.heartbeatMs}`,
    `--election-timeout=${launch.timings.electionTimeoutMs}`,
    '--pre-vote=true',
    '--logger=zap',
    '--log-outputs=stderr',
    `--log-level=${launch.logLevel}`,
    ...(launch.extraArgs ?? []),
  ]
}
