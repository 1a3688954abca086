import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KafkaFixture } from '../kafka-fixture.js'
import { startKafka } from '../start-kafka.js'
import { hostPort, initProducerId } from '../wire/kafka-wire.js'
import { warmProducerIds } from './producer-id-warmup.js'

let kafka: KafkaFixture

beforeAll(async () => {
  // no warm-up: the broker has not fetched a producer-id block yet
  kafka = await startKafka({ warmUp: false })
}, 120_000)

afterAll(async () => {
  await kafka?.stop()
})

describe('warmProducerIds', () => {
  it('returns once the broker hands out producer ids', async () => {
    await warmProducerIds(kafka.brokers, 10_000)
    const { host, port } = hostPort(kafka.brokers[0]!)
    const r = await initProducerId(host, port, null, { timeoutMs: 2_000 })
    expect(r.errorCode).toBe(0)
    expect(r.producerId).toBeGreaterThanOrEqual(0n)
  })

  it('fails finitely, naming the broker, when nothing answers', async () => {
    await expect(warmProducerIds(['127.0.0.1:1'], 300)).rejects.toThrow(/127\.0\.0\.1:1.*producer ids/)
  })
})
