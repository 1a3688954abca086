import type { Producer } from 'kafkajs'
import { produceMessages } from '../src/clients/produce.js'
import type { KafkaFixture } from '../src/kafka-fixture.js'

/**
 * A bounded producer loop for failover tests and the bench: sends numbered messages round-robin to
 * every partition (value `<partition>:<seq>`), in small acks=all batches, recording what the brokers
 * acknowledged. Failed batches are not retried by hand (the producer already retried): they are
 * simply not acknowledged.
 */
export class AckedStream {
  readonly acked = new Map<number, number[]>()
  ackedCount = 0
  failures = 0
  lastError: unknown
  /** Start and acknowledgement time (ms since epoch) of each acknowledged batch, in order. */
  readonly batches: { startedAt: number; ackedAt: number }[] = []
  private seq = 0
  private running = true
  private loop: Promise<void> | undefined
  private producer: Producer | undefined

  constructor(
    private readonly kafka: KafkaFixture,
    readonly topic: string,
    readonly partitions: number,
    private readonly batchSize = 10,
  ) {}

  async start(): Promise<void> {
    this.producer = this.kafka.client().producer(this.kafka.producerConfig())
    await this.producer.connect()
    this.loop = this.run()
  }

  private async run(): Promise<void> {
    while (this.running) {
      const messages = Array.from({ length: this.batchSize }, () => {
        const n = this.seq++
        const partition = n % this.partitions
        return { partition, value: `${partition}:${n}` }
      })
      const startedAt = Date.now()
      try {
        // one send per partition: see produceMessages for the kafkajs multi-partition retry bug
        await produceMessages(this.producer!, this.topic, messages, { acks: -1, timeoutMs: 5_000 })
        this.batches.push({ startedAt, ackedAt: Date.now() })
        for (const m of messages) {
          const list = this.acked.get(m.partition) ?? []
          list.push(Number(m.value.split(':')[1]))
          this.acked.set(m.partition, list)
          this.ackedCount++
        }
      } catch (err) {
        this.failures++
        this.lastError = err
        await new Promise((r) => setTimeout(r, 50))
      }
    }
  }

  /** Waits (finite) until `n` more messages than now have been acknowledged. */
  async waitForMoreAcks(n: number, timeoutMs = 30_000): Promise<void> {
    const target = this.ackedCount + n
    const deadline = Date.now() + timeoutMs
    while (this.ackedCount < target) {
      if (Date.now() > deadline) {
        throw new Error(
          `only ${this.ackedCount}/${target} acks within ${timeoutMs} ms (failures: ${this.failures}, last: ${String(this.lastError)})`,
        )
      }
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  /**
   * How long after `t` the producer was acknowledged again: the ack of the first batch that started
   * at or after `t` (undefined if none yet). Pass the time the fault had taken effect.
   */
  firstAckAfter(t: number): number | undefined {
    const hit = this.batches.find((b) => b.startedAt >= t)
    return hit === undefined ? undefined : hit.ackedAt - t
  }

  async stop(): Promise<void> {
    this.running = false
    await this.loop
    await this.producer?.disconnect()
  }
}

export interface StreamCheck {
  lost: number
  outOfOrder: number
  duplicates: number
  consumed: number
  lostValues: string[]
  seen: Map<number, number[]>
}

/** Reads the whole topic (up to its high watermarks) and compares it with what was acknowledged. */
export async function checkStream(
  kafka: KafkaFixture,
  stream: AckedStream,
  timeoutMs = 30_000,
): Promise<StreamCheck> {
  const admin = kafka.client().admin()
  await admin.connect()
  let total = 0
  try {
    for (const o of await admin.fetchTopicOffsets(stream.topic)) total += Number(o.high) - Number(o.low)
  } finally {
    await admin.disconnect()
  }
  const got = await kafka.consume(stream.topic, { count: total, timeoutMs })
  const seen = new Map<number, number[]>()
  for (const m of got) {
    const [p, s] = m.value!.split(':').map(Number) as [number, number]
    if (p !== m.partition) throw new Error(`message ${m.value} landed on partition ${m.partition}`)
    const list = seen.get(p) ?? []
    list.push(s)
    seen.set(p, list)
  }
  let outOfOrder = 0
  let duplicates = 0
  for (const list of seen.values()) {
    for (let i = 1; i < list.length; i++) {
      if (list[i] === list[i - 1]) duplicates++
      else if (list[i]! < list[i - 1]!) outOfOrder++
    }
  }
  const consumedSet = new Set(got.map((m) => m.value!))
  const lostValues: string[] = []
  for (const [p, list] of stream.acked)
    for (const s of list) if (!consumedSet.has(`${p}:${s}`)) lostValues.push(`${p}:${s}`)
  return { lost: lostValues.length, lostValues, outOfOrder, duplicates, consumed: got.length, seen }
}
