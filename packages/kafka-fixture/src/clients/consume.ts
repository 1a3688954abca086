import {
  check,
  checkOptions,
  InvalidOptionsError,
  type OptionSchema,
  WaitTimeoutError,
  withTimeout,
} from '@infra/fixture-core'
import type { Consumer, ConsumerConfig, IHeaders, Kafka, KafkaMessage } from 'kafkajs'
import { KafkaTopic } from '../topics/kafka-topic.js'
import { testConsumerConfig } from './client-config.js'
import { disconnectQuietly } from './disconnect-quietly.js'

export interface ConsumedMessage {
  topic: string
  partition: number
  offset: string
  /** Key and value decoded as UTF-8 (null when absent). `raw` has the bytes. */
  key: string | null
  value: string | null
  headers: IHeaders
  timestamp: string
  raw: KafkaMessage
}

export interface ConsumeOptions {
  /** Resolve once this many messages arrived. */
  count?: number
  /** Resolve once this returns true (called after each message with everything so far). */
  until?: (message: ConsumedMessage, all: readonly ConsumedMessage[]) => boolean
  /** Finite wait. Default 15 000 ms. */
  timeoutMs?: number
  /**
   * Default **true**: a fresh group reads the topic from its first message (kafkajs's own default is false,
   * only messages produced after the join). Set false to see only what is produced after the consumer joined.
   */
  fromBeginning?: boolean
  /** Consumer group (default: a fresh unique group). */
  groupId?: string
  consumerConfig?: Partial<ConsumerConfig>
}

export interface JoinedConsumerOptions {
  /** Topics to subscribe to: names, {@link KafkaTopic}s or patterns. */
  topics: readonly (string | KafkaTopic | RegExp)[]
  groupId?: string
  /** Default true: a fresh group starts at the beginning, so nothing produced after join is missed. */
  fromBeginning?: boolean
  consumerConfig?: Partial<ConsumerConfig>
  /** Called for each message; without it messages are collected in `messages`. */
  onMessage?: (message: ConsumedMessage) => void | Promise<void>
  /** Finite wait for the group join. Default 15 000 ms. */
  joinTimeoutMs?: number
}

export interface JoinedConsumer {
  consumer: Consumer
  groupId: string
  memberId: string
  /** Partitions assigned at join, by topic. */
  assignment: Record<string, number[]>
  /** Messages received so far (when no onMessage was given). */
  messages: ConsumedMessage[]
  /** Waits (finite) until `count` messages have been collected. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ConsumedMessage[]>
  /** Disconnects the consumer (bounded). Idempotent. */
  stop(): Promise<void>
  /** `await using consumer = await kafka.startConsumer(topic)`: stops it. */
  [Symbol.asyncDispose](): Promise<void>
}

export function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key ? m.key.toString('utf8') : null,
    value: m.value ? m.value.toString('utf8') : null,
    headers: m.headers ?? {},
    timestamp: m.timestamp,
    raw: m,
  }
}

const CONSUME_OPTIONS: OptionSchema<ConsumeOptions> = {
  count: check.int(0),
  until: check.func(),
  timeoutMs: check.ms(),
  fromBeginning: check.boolean(),
  groupId: check.string(),
  // kafkajs's own settings: kafkajs checks them
  consumerConfig: check.any(),
}

const topicOrPattern = (value: unknown, key: string) => {
  if (!(value instanceof RegExp || value instanceof KafkaTopic) && !(typeof value === 'string' && value)) {
    throw new InvalidOptionsError(key, 'expected a topic name, a KafkaTopic or a RegExp')
  }
}

const JOINED_CONSUMER_OPTIONS: OptionSchema<JoinedConsumerOptions> = {
  topics: check.arrayOf(topicOrPattern, { minLength: 1 }),
  groupId: check.string(),
  fromBeginning: check.boolean(),
  consumerConfig: check.any(),
  onMessage: check.func(),
  joinTimeoutMs: check.ms(),
}

function validateConsume(opts: ConsumeOptions): void {
  checkOptions('consume()', opts, CONSUME_OPTIONS)
  if (opts.count === undefined && opts.until === undefined) {
    throw new InvalidOptionsError('consume', 'give `count` or `until` (and optionally `timeoutMs`)')
  }
}

/**
 * The fetch long-poll of a collecting consumer. Its disconnect waits for the fetch in flight: with the
 * usual 100 ms, a `consume()` on a 3-node cluster spent ~105 ms leaving its group (p50 of 6) against
 * ~40 ms at 25 ms. Messages that arrive still end a poll at once; idle, it asks 40 times a second.
 */
const COLLECT_MAX_WAIT_MS = 25

/**
 * Collects messages from `topic` with a fresh consumer until `count` arrived or `until` says so,
 * within a finite timeout (the timeout error says how many arrived). Disconnects afterwards.
 */
export async function consumeMessages(
  client: Kafka,
  topic: string,
  opts: ConsumeOptions,
  groupId: string,
): Promise<ConsumedMessage[]> {
  validateConsume(opts)
  const timeoutMs = opts.timeoutMs ?? 15_000
  const got: ConsumedMessage[] = []
  if (opts.count === 0) return got
  const consumer = client.consumer(
    testConsumerConfig(groupId, { maxWaitTimeInMs: COLLECT_MAX_WAIT_MS, ...opts.consumerConfig }),
  )
  let done!: () => void
  let fail!: (err: unknown) => void
  const finished = new Promise<void>((resolve, reject) => {
    done = resolve
    fail = reject
  })
  let complete = false
  const check = (m: ConsumedMessage): boolean => {
    if (opts.count !== undefined && got.length >= opts.count) return true
    return opts.until ? opts.until(m, got) : false
  }
  consumer.on(consumer.events.CRASH, (e) => {
    if (!e.payload.restart) fail(e.payload.error)
  })
  const timer = setTimeout(() => {
    fail(
      new WaitTimeoutError(
        `${opts.count !== undefined ? `${opts.count} messages` : 'the `until` condition'} from topic '${topic}'`,
        timeoutMs,
        { detail: `Received ${got.length} message(s) before the timeout.` },
      ),
    )
  }, timeoutMs)
  timer.unref?.()
  try {
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: opts.fromBeginning ?? true })
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        for (const m of batch.messages) {
          if (complete || !isRunning() || isStale()) return
          const c = toConsumed(batch.topic, batch.partition, m)
          got.push(c)
          resolveOffset(m.offset)
          if (check(c)) {
            complete = true
            done()
            return
          }
        }
        await heartbeat()
      },
    })
    await finished
    return opts.count !== undefined ? got.slice(0, opts.count) : got
  } finally {
    clearTimeout(timer)
    await disconnectQuietly(consumer)
  }
}

/** Starts a consumer and resolves once it has joined its group (GROUP_JOIN) and got its assignment. */
export async function startJoinedConsumer(
  client: Kafka,
  opts: JoinedConsumerOptions,
  groupId: string,
): Promise<JoinedConsumer> {
  checkOptions('startConsumer()', opts, JOINED_CONSUMER_OPTIONS)
  if (!opts.topics?.length) throw new InvalidOptionsError('topics', 'give at least one topic')
  const joinTimeoutMs = opts.joinTimeoutMs ?? 15_000
  const consumer = client.consumer(testConsumerConfig(groupId, opts.consumerConfig))
  const messages: ConsumedMessage[] = []
  const waiters = new Set<() => void>()
  let crashed: unknown
  const joined = new Promise<{ memberId: string; assignment: Record<string, number[]> }>(
    (resolve, reject) => {
      consumer.on(consumer.events.GROUP_JOIN, (e) =>
        resolve({ memberId: e.payload.memberId, assignment: e.payload.memberAssignment }),
      )
      consumer.on(consumer.events.CRASH, (e) => {
        if (!e.payload.restart) {
          crashed = e.payload.error
          reject(e.payload.error)
          for (const w of waiters) w()
        }
      })
    },
  )
  try {
    await consumer.connect()
    for (const topic of opts.topics) {
      const t = topic instanceof KafkaTopic ? topic.name : topic
      await consumer.subscribe({ topic: t, fromBeginning: opts.fromBeginning ?? true })
    }
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const c = toConsumed(topic, partition, message)
        if (opts.onMessage) await opts.onMessage(c)
        else messages.push(c)
        for (const w of waiters) w()
      },
    })
    const { memberId, assignment } = await withTimeout(
      joined,
      joinTimeoutMs,
      `consumer group '${groupId}' to be joined`,
    )
    let stopped = false
    const stop = async () => {
      if (stopped) return
      stopped = true
      await disconnectQuietly(consumer)
    }
    return {
      consumer,
      groupId,
      memberId,
      assignment,
      messages,
      waitForMessages: async (count, timeoutMs = 15_000) => {
        const deadline = Date.now() + timeoutMs
        while (messages.length < count) {
          if (crashed) throw crashed
          const left = deadline - Date.now()
          if (left <= 0) {
            throw new WaitTimeoutError(`${count} messages on consumer group '${groupId}'`, timeoutMs, {
              detail: `Received ${messages.length} message(s) before the timeout.`,
            })
          }
          await new Promise<void>((resolve) => {
            const t = setTimeout(done, Math.min(left, 200))
            function done() {
              clearTimeout(t)
              waiters.delete(done)
              resolve()
            }
            waiters.add(done)
          })
        }
        return messages.slice(0, count)
      },
      stop,
      [Symbol.asyncDispose]: () => stop(),
    }
  } catch (err) {
    await disconnectQuietly(consumer)
    throw err
  }
}
