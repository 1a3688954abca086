import { InvalidOptionsError, waitFor } from '@infra/fixture-core'
import type { PartitionMetadata } from 'kafkajs'
import { type FixtureBrokers, liveAddresses, metadataFrom } from '../broker/live-brokers.js'

export interface WaitForTopicOptions {
  /** Also wait until every partition's ISR holds all its replicas (after a broker restart). */
  fullIsr?: boolean
  /** Expected partition count (default: whatever the metadata says, at least 1). */
  partitions?: number
  timeoutMs?: number
}

/**
 * Waits until every partition of `topic` has a live leader in the metadata of every running broker
 * (and, with `fullIsr`, a complete ISR).
 */
export async function waitForTopic(
  brokers: FixtureBrokers,
  topic: string,
  opts: WaitForTopicOptions = {},
): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000
  await waitFor(
    async () => {
      const addrs = liveAddresses(brokers)
      if (addrs.length === 0) throw new Error('no running broker')
      const results = await Promise.all(addrs.map((a) => metadataFrom(a, [topic])))
      for (const md of results) {
        const t = md.topics.find((x) => x.name === topic)
        if (t?.errorCode !== 0) return false
        if (t.partitions.length < (opts.partitions ?? 1)) return false
        const live = new Set(md.brokers.map((b) => b.nodeId))
        for (const p of t.partitions) {
          if (p.errorCode !== 0 || p.leader < 0 || !live.has(p.leader)) return false
          if (opts.fullIsr && p.isr.length < p.replicas.length) return false
        }
      }
      return true
    },
    {
      what: `topic '${topic}' to have a live leader for every partition${opts.fullIsr ? ' and a full ISR' : ''} on every running broker`,
      timeoutMs,
      intervalMs: 25,
    },
  )
}

/** The broker id leading `partition` of `topic`, as the first live broker that knows one sees it now. */
export async function partitionLeader(
  brokers: FixtureBrokers,
  topic: string,
  partition = 0,
): Promise<number> {
  for (const addr of liveAddresses(brokers)) {
    try {
      const md = await metadataFrom(addr, [topic])
      const p = md.topics.find((t) => t.name === topic)?.partitions.find((x) => x.partition === partition)
      if (p && p.leader >= 0) return p.leader
    } catch {
      // try the next broker
    }
  }
  throw new InvalidOptionsError('partitionLeader', `no live broker knows a leader for ${topic}[${partition}]`)
}

/** Partition metadata for the producer's partitioner, cached per topic. */
export class PartitionCache {
  private readonly brokers: FixtureBrokers
  private readonly cache = new Map<string, PartitionMetadata[]>()

  constructor(brokers: FixtureBrokers) {
    this.brokers = brokers
  }

  /** The topic's partitions (empty, and not cached, when no live broker knows the topic). */
  async get(topic: string): Promise<PartitionMetadata[]> {
    const hit = this.cache.get(topic)
    if (hit) return hit
    for (const addr of liveAddresses(this.brokers)) {
      try {
        const t = (await metadataFrom(addr, [topic])).topics.find((x) => x.name === topic)
        if (t?.errorCode !== 0 || t.partitions.length === 0) return []
        const pm = t.partitions.map((p) => ({
          partitionErrorCode: p.errorCode,
          partitionId: p.partition,
          // the partitioner only needs to know partitions exist; leaders may move
          leader: Math.max(0, p.leader),
          replicas: p.replicas,
          isr: p.isr,
          offlineReplicas: [],
        }))
        this.cache.set(topic, pm)
        return pm
      } catch {
        // next broker
      }
    }
    return []
  }

  /** Forgets a deleted topic. */
  forget(topic: string): void {
    this.cache.delete(topic)
  }
}
