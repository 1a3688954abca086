import fs from 'node:fs'
import path from 'node:path'
import { LOOPBACK, ServiceProcess } from '@infra/fixture-core'
import { fetchMetadata } from '../wire/kafka-wire.js'
import {
  type AdvertisedHost,
  type ConfigValue,
  type NodeAddress,
  renderServerProperties,
} from './broker-config.js'
import { launcherJar } from './launcher-jar.js'
import { stampNodeStorage } from './storage.js'

export interface NodeLaunch {
  java: string
  libsDir: string
  jvmFlags: readonly string[]
  /** Extra JVM args (log config, CDS archive). */
  extraJvmArgs: readonly string[]
  storageTemplate: string
  clusterId: string
  readyTimeoutMs: number
  brokerConfig?: Readonly<Record<string, ConfigValue>>
  advertisedHost?: AdvertisedHost
}

export interface KafkaNode extends NodeAddress {
  /** The node's process; with `sharedJvm`, the one JVM every node of the cluster runs in. */
  process: ServiceProcess
  dir: string
  /** True when one JVM runs every node of the cluster (`sharedJvm`). */
  sharedJvm: boolean
}

/** A node that can answer now: running and not paused. */
export function isLive(n: KafkaNode): boolean {
  return n.process.running && !n.process.paused
}

/** The first node of each distinct process: every node, or (`sharedJvm`) the first, for the one JVM. */
export function oneNodePerProcess(nodes: readonly KafkaNode[]): KafkaNode[] {
  const seen = new Set<ServiceProcess>()
  return nodes.filter((n) => !seen.has(n.process) && seen.add(n.process))
}

/** Whether the broker on `port` serves Metadata and lists the node `nodeId`. */
async function listsItself(port: number, nodeId: number, signal: AbortSignal): Promise<boolean> {
  const md = await fetchMetadata(LOOPBACK, port, [], { timeoutMs: 1_000, signal })
  return md.brokers.some((b) => b.nodeId === nodeId)
}

/** Writes one node's server.properties and stamped storage under `dir`; returns the properties file. */
function writeNodeDir(
  dir: string,
  node: NodeAddress,
  cluster: readonly NodeAddress[],
  launch: NodeLaunch,
): string {
  fs.mkdirSync(dir, { recursive: true })
  const logDir = path.join(dir, 'data')
  stampNodeStorage(launch.storageTemplate, logDir, node.nodeId, launch.clusterId)
  const props = path.join(dir, 'server.properties')
  fs.writeFileSync(
    props,
    renderServerProperties({
      node,
      cluster,
      logDir,
      advertisedHost: launch.advertisedHost,
      overrides: launch.brokerConfig,
    }),
  )
  return props
}

/**
 * Prepares one combined broker+controller node in `dir` (config + stamped storage) and returns its
 * (not yet started) process. Ready means: its broker port serves Metadata and lists itself, i.e. it
 * has caught up with the metadata log and is unfenced.
 */
export function prepareNode(
  dir: string,
  node: NodeAddress,
  cluster: readonly NodeAddress[],
  launch: NodeLaunch,
): KafkaNode {
  const props = writeNodeDir(dir, node, cluster, launch)
  const service = new ServiceProcess({
    name: `kafka-${node.nodeId}`,
    command: launch.java,
    args: [...launch.jvmFlags, ...launch.extraJvmArgs, '-cp', `${launch.libsDir}/*`, 'kafka.Kafka', props],
    cwd: dir,
    port: node.brokerPort,
    readyWhat: `Kafka node ${node.nodeId} to serve metadata and list itself as an unfenced broker on ${LOOPBACK}:${node.brokerPort}`,
    readyTimeoutMs: launch.readyTimeoutMs,
    readyIntervalMs: 20,
    ready: ({ signal }) => listsItself(node.brokerPort, node.nodeId, signal),
    stopGraceMs: 10_000,
    logCapacity: 2_000,
  })
  return { ...node, process: service, dir, sharedJvm: false }
}

/**
 * Prepares every node of a cluster (one dir each, under `workDir`) to run in one JVM
 * (`java/InfraKafkaNodes.java`): the nodes share the loaded classes and the JIT's work. Ready means
 * every node serves Metadata and lists itself.
 */
export function prepareSharedJvmNodes(
  workDir: string,
  cluster: readonly NodeAddress[],
  /** Each node's launch: the JVM's (java, flags, args, timeout) are the first node's. */
  launchOf: (nodeId: number) => NodeLaunch,
): KafkaNode[] {
  const props = cluster.map((node) =>
    writeNodeDir(nodeDir(workDir, node.nodeId), node, cluster, launchOf(node.nodeId)),
  )
  const launch = launchOf(cluster[0]!.nodeId)
  const ids = cluster.map((n) => n.nodeId).join(', ')
  const service = new ServiceProcess({
    name: `kafka-${cluster.map((n) => n.nodeId).join('+')}`,
    command: launch.java,
    args: [
      ...launch.jvmFlags,
      ...launch.extraJvmArgs,
      '-cp',
      // the launcher after the jars: the class archive was built for the jars' classpath, which stays its prefix
      `${launch.libsDir}/*${path.delimiter}${launcherJar()}`,
      'InfraKafkaNodes',
      ...props,
    ],
    cwd: workDir,
    port: cluster[0]!.brokerPort,
    readyWhat: `Kafka nodes ${ids} (one JVM) to serve metadata and list themselves as unfenced brokers on ${cluster.map((n) => `${LOOPBACK}:${n.brokerPort}`).join(', ')}`,
    readyTimeoutMs: launch.readyTimeoutMs,
    readyIntervalMs: 20,
    ready: async ({ signal }) => {
      for (const n of cluster) if (!(await listsItself(n.brokerPort, n.nodeId, signal))) return false
      return true
    },
    stopGraceMs: 10_000,
    logCapacity: 2_000 * cluster.length,
  })
  return cluster.map((node) => ({
    ...node,
    process: service,
    dir: nodeDir(workDir, node.nodeId),
    sharedJvm: true,
  }))
}

/** `<workDir>/node-<id>`: a node's config and data. */
export function nodeDir(workDir: string, nodeId: number): string {
  return path.join(workDir, `node-${nodeId}`)
}
