import type { Consumer, Kafka } from 'kafkajs'

export interface Delivery {
  conversationId: string
  partition: number
  offset: string
  payload: unknown
}

/** The fan-out worker's Kafka side: one consumer group, every message handed to `deliver` in partition order. */
export class FanoutConsumer {
  private consumer: Consumer | undefined

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
        await this.deliver({
          conversationId: message.key?.toString() ?? '',
          partition,
          offset: message.offset,
          payload: JSON.parse(message.value?.toString() ?? 'null'),
        })
      },
    })
  }

  async stop(): Promise<void> {
    const consumer = this.consumer
    this.consumer = undefined
    await consumer?.disconnect()
  }
}
