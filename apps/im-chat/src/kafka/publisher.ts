import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs'
import { withDeadline } from '../errors.js'
import { PartitionQueue } from './partition-queue.js'

export interface ChatEvent {
  conversationId: string
  payload: unknown
}

/**
 * Publishes chat events keyed by conversation. Every kafkajs `send()` carries ONE partition: kafkajs can
 * acknowledge, and lose, messages of a multi-partition send when a partition leader dies mid-request (see
 * @infra/kafka-fixture's README, "Pitfall"). So messages are assigned a partition here with kafkajs's own
 * default partitioner and queued per partition; each partition's queue is flushed by one send at a time,
 * which also keeps per-conversation order.
 */
export class MessagePublisher {
  private producer: Producer | undefined
  private connecting: Promise<Producer> | undefined
  private partitions: number | undefined
  private readonly partitioner = Partitioners.DefaultPartitioner()
  private readonly queue: PartitionQueue<Message>

  constructor(
    private readonly kafka: Kafka,
    readonly topic: string,
    private readonly timeoutMs = 30_000,
  ) {
    this.queue = new PartitionQueue((partition, messages) => this.send(partition, messages))
  }

  async publish(event: ChatEvent): Promise<void> {
    await this.publishMany([event])
  }

  async publishMany(events: ChatEvent[]): Promise<void> {
    await withDeadline('kafka', 'publish', this.timeoutMs, async () => {
      const count = await this.partitionCount()
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({
        partitionId,
        leader: 0,
        partitionErrorCode: 0,
        replicas: [],
        isr: [],
      }))
      await Promise.all(
        events.map((event) => {
          const message: Message = {
            key: event.conversationId,
            value: JSON.stringify(event.payload),
          }
          const partition = this.partitioner({ topic: this.topic, partitionMetadata, message })
          return this.queue.push(partition, message)
        }),
      )
    })
  }

  async close(): Promise<void> {
    const producer = this.producer
    this.producer = undefined
    this.connecting = undefined
    await producer?.disconnect()
  }

  private async send(partition: number, messages: Message[]): Promise<void> {
    const producer = await this.connect()
    await producer.send({
      topic: this.topic,
      acks: -1,
      messages: messages.map((message) => ({ ...message, partition })),
    })
  }

  private async partitionCount(): Promise<number> {
    if (this.partitions !== undefined) return this.partitions
    const admin = this.kafka.admin()
    await admin.connect()
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [this.topic] })
      this.partitions = topics[0]?.partitions.length ?? 0
      if (this.partitions === 0) throw new Error(`topic ${this.topic} has no partitions`)
      return this.partitions
    } finally {
      await admin.disconnect()
    }
  }

  private connect(): Promise<Producer> {
    this.connecting ??= (async () => {
      // order per partition comes from the partition queue (one send in flight per partition), so requests to
      // different partitions of one broker may overlap
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 5 })
      await producer.connect()
      this.producer = producer
      return producer
    })()
    return this.connecting
  }
}
