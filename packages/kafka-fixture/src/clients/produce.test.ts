import type { Producer, ProducerRecord } from 'kafkajs'
import { describe, expect, it } from 'vitest'
import { defaultPartitioner, produceMessages } from './produce.js'

function recordingProducer() {
  const sends: ProducerRecord[] = []
  const producer = {
    send: async (r: ProducerRecord) => {
      sends.push(r)
      return [{ topicName: r.topic, partition: r.messages[0]!.partition ?? -1, errorCode: 0 }]
    },
  } as unknown as Producer
  return { producer, sends }
}

const partitionMetadata = [0, 1, 2].map((p) => ({
  partitionErrorCode: 0,
  partitionId: p,
  leader: p + 1,
  replicas: [1, 2, 3],
  isr: [1, 2, 3],
  offlineReplicas: [],
}))

describe('produceMessages', () => {
  it('sends one kafkajs send per partition (the multi-partition retry bug workaround), acks=all by default', async () => {
    const { producer, sends } = recordingProducer()
    await produceMessages(
      producer,
      't',
      [
        { value: 'a', partition: 0 },
        { value: 'b', partition: 1 },
        { value: 'c', partition: 0 },
        { value: 'd', partition: 2 },
      ],
      {},
    )
    expect(sends).toHaveLength(3)
    for (const s of sends) {
      expect(s.acks).toBe(-1)
      expect(new Set(s.messages.map((m) => m.partition)).size).toBe(1)
    }
    const p0 = sends.find((s) => s.messages[0]!.partition === 0)!
    expect(p0.messages.map((m) => m.value)).toEqual(['a', 'c']) // order kept within a partition
  })

  it('chooses partitions with the default partitioner when metadata is known', async () => {
    const { producer, sends } = recordingProducer()
    const messages = Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }))
    await produceMessages(
      producer,
      't',
      messages,
      { acks: 1 },
      { partitionMetadata, partitioner: defaultPartitioner() },
    )
    expect(sends.length).toBeGreaterThan(1)
    expect(sends.reduce((n, s) => n + s.messages.length, 0)).toBe(30)
    for (const s of sends) {
      expect(s.acks).toBe(1)
      expect(new Set(s.messages.map((m) => m.partition)).size).toBe(1)
    }
    // the same key always lands on the same partition
    const again = recordingProducer()
    await produceMessages(
      again.producer,
      't',
      messages,
      {},
      { partitionMetadata, partitioner: defaultPartitioner() },
    )
    const where = (r: ProducerRecord[]) =>
      Object.fromEntries(r.flatMap((s) => s.messages.map((m) => [String(m.key), m.partition])))
    expect(where(again.sends)).toEqual(where(sends))
  })

  it('without metadata (unknown topic) it falls back to one send, strings and buffers as values', async () => {
    const { producer, sends } = recordingProducer()
    await produceMessages(producer, 't', ['x', Buffer.from('y')])
    expect(sends).toHaveLength(1)
    expect(sends[0]!.messages.map((m) => String(m.value))).toEqual(['x', 'y'])
  })
})
