import type { IHeaders, Message, PartitionMetadata, Producer, RecordMetadata } from 'kafkajs'
import kafkajs from 'kafkajs'

const { Partitioners } = kafkajs

export type ProduceMessage =
  | string
  | Buffer
  | {
      key?: string | Buffer | null
      value: string | Buffer | null
      partition?: number
      headers?: IHeaders
      timestamp?: string
    }

export interface ProduceOptions {
  /** -1 (all, default), 1 (leader) or 0 (none). */
  acks?: -1 | 0 | 1
  /** Broker-side ack timeout. Default 10 000 ms. */
  timeoutMs?: number
}

export function toKafkaMessage(m: ProduceMessage): Message {
  if (typeof m === 'string' || Buffer.isBuffer(m)) return { value: m }
  return m as Message
}

export type Partitioner = (args: {
  topic: string
  partitionMetadata: PartitionMetadata[]
  message: Message
}) => number

export function defaultPartitioner(): Partitioner {
  return Partitioners.DefaultPartitioner() as Partitioner
}

/**
 * Sends messages to `topic`, acks=all by default, as one kafkajs `send` per partition.
 *
 * Why per partition: kafkajs 2.2.4 loses messages when one `send` spans partitions led by different
 * brokers and a leader dies mid-request. Its retry remembers which brokers already answered; when
 * the dead leader's partitions move to one of those brokers they are never re-sent, yet `send`
 * resolves as if acknowledged (seen in this package's failover test: acks=all, RF 3, min ISR 2).
 * A single-partition `send` always goes to exactly one leader, so its retry is complete.
 * `partitionMetadata` (from the fixture) lets us choose partitions with kafkajs's own default
 * partitioner; without it the messages go in one `send`.
 */
export async function produceMessages(
  producer: Producer,
  topic: string,
  messages: ProduceMessage | readonly ProduceMessage[],
  opts: ProduceOptions = {},
  routing?: { partitionMetadata: PartitionMetadata[]; partitioner: Partitioner },
): Promise<RecordMetadata[]> {
  const list = (Array.isArray(messages) ? messages : [messages as ProduceMessage]).map(toKafkaMessage)
  const acks = opts.acks ?? -1
  const timeout = opts.timeoutMs ?? 10_000
  const byPartition = new Map<number | undefined, Message[]>()
  for (const m of list) {
    let p = m.partition
    if (p === undefined && routing && routing.partitionMetadata.length > 0) {
      p = routing.partitioner({ topic, partitionMetadata: routing.partitionMetadata, message: m })
    }
    const group = byPartition.get(p) ?? []
    group.push(p === undefined ? m : { ...m, partition: p })
    byPartition.set(p, group)
  }
  const results = await Promise.all(
    [...byPartition.values()].map((group) => producer.send({ topic, messages: group, acks, timeout })),
  )
  return results.flat()
}
