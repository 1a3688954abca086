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
  process: ServiceProcess
  dir: string
}

/** A node that can answer now: running and not paused. */
export function isLive(n: KafkaNode): boolean {
  return n.process.running && !n.process.paused
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
  const service = new ServiceProcess({
    name: `kafka-${node.nodeId}`,
    command: launch.java,
    args: [...launch.jvmFlags, ...launch.extraJvmArgs, '-cp', `${launch.libsDir}/*`, 'kafka.Kafka', props],
    cwd: dir,
    port: node.brokerPort,
    readyWhat: `Kafka node ${node.nodeId} to serve metadata and list itself as an unfenced broker on ${LOOPBACK}:${node.brokerPort}`,
    readyTimeoutMs: launch.readyTimeoutMs,
    readyIntervalMs: 20,
    ready: async ({ signal }) => {
      const md = await fetchMetadata(LOOPBACK, node.brokerPort, [], { timeoutMs: 1_000, signal })
      return md.brokers.some((b) => b.nodeId === node.nodeId)
    },
    stopGraceMs: 10_000,
    logCapacity: 2_000,
  })
  return { ...node, process: service, dir }
}
