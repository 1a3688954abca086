import type { IHeaders, Message, Producer, RecordMetadata } from 'kafkajs'

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

/** Sends messages to `topic` with the given producer, acks=all by default. */
export async function produceMessages(
  producer: Producer,
  topic: string,
  messages: ProduceMessage | readonly ProduceMessage[],
  opts: ProduceOptions = {},
): Promise<RecordMetadata[]> {
  const list = Array.isArray(messages) ? messages : [messages as ProduceMessage]
  return producer.send({
    topic,
    messages: list.map(toKafkaMessage),
    acks: opts.acks ?? -1,
    timeout: opts.timeoutMs ?? 10_000,
  })
}
