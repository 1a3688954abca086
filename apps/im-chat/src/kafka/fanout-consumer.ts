import type { Consumer, Kafka } from 'kafkajs'

export interface Delivery {
  conversationId: string
  partition: number
  offset: string
  payload: unknown
}

/**
 * The offsets this worker has delivered, per partition. A Kafka consumer group delivers at least once:
 * when the group coordinator dies between a delivery and its offset commit, the group rejoins from the
 * last committed offset and hands the same messages over again. Offsets only grow within a partition,
 * so a message at or below the highest delivered offset was delivered already.
 */
export class DeliveredOffsets {
  private readonly highest = new Map<number, bigint>()

  /** Whether the message at `offset` of `partition` is new to this worker. */
  isNew(partition: number, offset: string): boolean {
    const seen = this.highest.get(partition)
    return seen === undefined || BigInt(offset) > seen
  }

  /** Records a delivered message. */
  mark(partition: number, offset: string): void {
    if (this.isNew(partition, offset)) this.highest.set(partition, BigInt(offset))
  }
}

/**
 * The fan-out worker's Kafka side: one consumer group, every message handed to `deliver` once, in
 * partition order (a message the group hands over again after a coordinator failover is skipped).
 */
export class FanoutConsumer {
  private consumer: Consumer | undefined
  /** Kept across stop/start: the worker may be demoted and elected again. */
  private readonly delivered = new DeliveredOffsets()

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    private readonly groupId: string,
    private readonly deliver: (delivery: Delivery) => Promise<void>,
  ) {}

  get running(): boolean {
    return this.consumer !== undefined
  }

  async start(): Promise<void> {
    if (this.consumer) return
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: 6_000,
      rebalanceTimeout: 5_000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 100,
    })
    this.consumer = consumer
    await consumer.connect()
    await consumer.subscribe({ topic: this.topic, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (!this.delivered.isNew(partition, message.offset)) return
        await this.deliver({
          conversationId: message.key?.toString() ?? '',
          partition,
          offset: message.offset,
          payload: JSON.parse(message.value?.toString() ?? 'null'),
        })
        this.delivered.mark(partition, message.offset)
      },
    })
  }

  async stop(): Promise<void> {
    const consumer = this.consumer
    this.consumer = undefined
    await consumer?.disconnect()
  }
}
