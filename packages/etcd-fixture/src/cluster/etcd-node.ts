import path from 'node:path'
import { ServiceProcess } from '@infra/fixture-core'
import { type EtcdNodeAddress, etcdArgs, type NodeLaunch } from './etcd-args.js'
import { nodeStatus } from './gateway.js'

export interface EtcdNode extends EtcdNodeAddress {
  process: ServiceProcess
  dataDir: string
}

export interface NodeSpawn extends Omit<NodeLaunch, 'dataDir'> {
  binary: string
  /** The cluster directory; the node's data dir is `<clusterDir>/<name>`. */
  clusterDir: string
  readyTimeoutMs: number
  /** Grace between SIGTERM and SIGKILL: etcd without quorum ignores SIGTERM. */
  stopGraceMs: number
  /** Runs the node through another command (networkFaults: its own mount namespace and /etc/hosts). */
  wrap?: (command: string, args: readonly string[]) => { command: string; args: string[] }
}

/** A node that can answer now: running and not paused. */
export function isLive(node: EtcdNode): boolean {
  return node.process.running && !node.process.paused
}

/**
 * One etcd node of `cluster` as a (not yet started) process. Ready means: its client port answers
 * `Maintenance.Status` and the node follows a leader (it joined a cluster with quorum).
 */
export function prepareNode(
  node: EtcdNodeAddress,
  cluster: readonly EtcdNodeAddress[],
  spawn: NodeSpawn,
): EtcdNode {
  const dataDir = path.join(spawn.clusterDir, node.name)
  const args = etcdArgs(node, cluster, { ...spawn, dataDir })
  const launch = spawn.wrap ? spawn.wrap(spawn.binary, args) : { command: spawn.binary, args }
  const service = new ServiceProcess({
    name: `etcd-${node.index}`,
    command: launch.command,
    args: launch.args,
    port: node.clientPort,
    readyWhat: `etcd ${node.name} to answer on ${node.clientUrl} and follow a leader`,
    readyTimeoutMs: spawn.readyTimeoutMs,
    readyIntervalMs: 5,
    readyAttemptTimeoutMs: 1_000,
    ready: async ({ signal }) => (await nodeStatus(node.clientUrl, { signal })).leader !== '0',
    stopGraceMs: spawn.stopGraceMs,
    logCapacity: 500,
  })
  return { ...node, process: service, dataDir }
}
