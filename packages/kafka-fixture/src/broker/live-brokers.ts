import { LOOPBACK } from '@infra/fixture-core'
import { fetchMetadata, hostPort, type WireMetadata } from '../wire/kafka-wire.js'
import { isLive } from './kafka-node.js'
import type { LocalCluster } from './local-cluster.js'

/** The brokers a fixture talks to: its local cluster, or (no cluster) external bootstrap addresses. */
export interface FixtureBrokers {
  /** Bootstrap addresses, `host:port` (all local nodes, also those currently killed). */
  readonly brokerList: string[]
  readonly cluster: LocalCluster | undefined
}

/** Addresses to ask for metadata: running, unpaused local nodes, or the external bootstrap list. */
export function liveAddresses(brokers: FixtureBrokers): string[] {
  if (!brokers.cluster) return brokers.brokerList
  return brokers.cluster.nodes.filter(isLive).map((n) => `${LOOPBACK}:${n.brokerPort}`)
}

/** One Metadata request to the broker at `addr` (`[]`: brokers only, `null`: all topics). */
export async function metadataFrom(addr: string, topics: string[] | null): Promise<WireMetadata> {
  const { host, port } = hostPort(addr)
  return fetchMetadata(host, port, topics, { timeoutMs: 2_000 })
}
