import fs from 'node:fs'
import { getRunDir, waitFor } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KafkaFixture } from './kafka-fixture.js'
import { startKafka } from './start-kafka.js'

let kafka: KafkaFixture

beforeAll(async () => {
  kafka = await startKafka({ warmUp: false })
})

afterAll(async () => {
  await kafka?.stop()
})

describe('broker logs of a node that crashed', () => {
  it('are written to a file under the run dir, kept in memory too, and the node restarts', async () => {
    const id = kafka.nodeIds[0]!
    expect(kafka.nodes[0]!.logFile).toBeUndefined()
    // a crash the fixture did not ask for: SIGKILL from outside
    process.kill(kafka.brokerPid(id)!, 'SIGKILL')
    const file = await waitFor(() => kafka.nodes[0]!.logFile, {
      what: 'the crashed node’s log file',
      timeoutMs: 10_000,
    })
    expect(file.startsWith(getRunDir())).toBe(true)
    const text = fs.readFileSync(file, 'utf8')
    expect(text).toContain(`# Kafka node ${id}`)
    expect(text).toContain('crashed (SIGKILL)')
    expect(text).toContain('Kafka Server started')
    expect(kafka.brokerLogs(id).some((l) => l.includes('Kafka Server started'))).toBe(true)

    await kafka.restartBroker(id)
    const topic = await kafka.createTopic()
    await kafka.produce(topic, 'after the crash')
    expect((await kafka.consume(topic, { count: 1 }))[0]?.value).toBe('after the crash')
    // a stop the fixture asks for is no crash: no new file
    await kafka.killBroker(id)
    await new Promise((r) => setTimeout(r, 200))
    expect(kafka.nodes[0]!.logFile).toBe(file)
    await kafka.restartBroker(id)
  })
})
