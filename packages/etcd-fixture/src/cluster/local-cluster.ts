import crypto from 'node:crypto'
import fs from 'node:fs'
import { PortInUseError, type PortRetryOptions, type TempDir, withPortsRetry } from '@infra/fixture-core'
import { advertisedPeerUrl, type NetworkFaults, PeerNetwork } from '../faults/network-faults.js'
import { createClusterDir } from './data-dir.js'
import { advertisedPeerUrls, type PeerUrlMapper, planNodes } from './etcd-args.js'
import { type EtcdNode, type NodeSpawn, prepareNode } from './etcd-node.js'
import type { RaftTimings } from './timings.js'

export interface LocalClusterOptions {
  size: number
  binary: string
  timings: RaftTimings
  logLevel: NodeSpawn['logLevel']
  extraArgs?: readonly string[]
  startTimeoutMs: number
  stopGraceMs: number
  /** Parent of the cluster directory (default /dev/shm when a tmpfs, else the run directory). */
  dataRoot?: string
  /** The URL peers use to reach node i (default: its peer listen URL); e.g. a proxy in front of it. */
  advertisePeerUrl?: PeerUrlMapper
  /** Port picking (tests force a clash with it). */
  portRetry?: PortRetryOptions
  /** Peer traffic through a link per node pair (a Toxiproxy handle), for `partition()`. */
  networkFaults?: NetworkFaults
}

export interface LocalCluster {
  nodes: EtcdNode[]
  token: string
  dir: TempDir
  /** The peer links, when started with `networkFaults`. */
  network?: PeerNetwork
  stop(): Promise<void>
}

/**
 * Starts every node at once. The first failure kills them all (the others would wait for a quorum that
 * cannot form) and is rethrown, a port clash in preference: the caller retries that on new ports.
 */
export async function startNodesTogether(nodes: readonly EtcdNode[]): Promise<void> {
  let failed = false
  const starts = nodes.map((n) =>
    n.process.start().catch(async (err: unknown) => {
      if (!failed) {
        failed = true
        await Promise.all(nodes.map((m) => m.process.kill()))
      }
      throw err
    }),
  )
  const results = await Promise.allSettled(starts)
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []))
  if (errors.length === 0) return
  throw errors.find((e) => e instanceof PortInUseError) ?? errors[0]
}

/**
 * Starts a `size`-node etcd cluster on loopback: all client and peer ports are chosen before any node
 * starts (an "address in use" from any node retries the whole cluster on new ports), each node gets its
 * own data dir and the cluster a unique token. Resolves when every node follows a leader.
 */
export async function startLocalCluster(opts: LocalClusterOptions): Promise<LocalCluster> {
  const dir = await createClusterDir(opts.dataRoot, opts.size)
  let token = ''
  const nodes: EtcdNode[] = []
  let network: PeerNetwork | undefined
  try {
    await withPortsRetry(
      opts.size * 2,
      async (ports) => {
        const plan = planNodes(ports)
        const cluster = planNodes(
          ports,
          opts.networkFaults
            ? plan.map(advertisedPeerUrl)
            : await advertisedPeerUrls(plan, opts.advertisePeerUrl),
        )
        network = opts.networkFaults
          ? await PeerNetwork.create(opts.networkFaults, cluster, dir.path)
          : undefined
        // a fresh token per attempt: a node of a failed attempt can never talk to this one
        token = `infra-${crypto.randomBytes(8).toString('hex')}`
        nodes.length = 0
        for (const address of cluster) {
          nodes.push(
            prepareNode(address, cluster, {
              binary: opts.binary,
              clusterDir: dir.path,
              token,
              timings: opts.timings,
              logLevel: opts.logLevel,
              extraArgs: opts.extraArgs,
              readyTimeoutMs: opts.startTimeoutMs,
              stopGraceMs: opts.stopGraceMs,
              wrap: network?.wrapFor(address.index),
            }),
          )
        }
        try {
          await startNodesTogether(nodes)
        } catch (err) {
          await removeNodeDirs(nodes)
          await network?.release()
          network = undefined
          throw err
        }
      },
      opts.portRetry,
    )
  } catch (err) {
    await Promise.all(nodes.map((n) => n.process.kill()))
    await network?.release().catch(() => {})
    await dir.remove()
    throw err
  }
  let stopping: Promise<void> | undefined
  return {
    nodes,
    token,
    dir,
    network,
    stop: () => {
      stopping ??= (async () => {
        // the data is thrown away, so nothing needs a graceful stop; and a graceful one would cost the
        // whole grace period anyway, since the last nodes to go have lost quorum and ignore SIGTERM
        await Promise.all(nodes.map((n) => n.process.kill()))
        await network?.release().catch(() => {})
        await dir.remove()
      })()
      return stopping
    },
  }
}

async function removeNodeDirs(nodes: readonly EtcdNode[]): Promise<void> {
  await Promise.all(nodes.map((n) => fs.promises.rm(n.dataDir, { recursive: true, force: true })))
}
