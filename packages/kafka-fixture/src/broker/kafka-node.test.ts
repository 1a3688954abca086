import type { ServiceProcess } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { isLive, type KafkaNode, oneNodePerProcess } from './kafka-node.js'

function node(nodeId: number, process: Partial<ServiceProcess>, sharedJvm: boolean): KafkaNode {
  return {
    nodeId,
    brokerPort: 1000 + nodeId,
    controllerPort: 2000 + nodeId,
    dir: `/tmp/node-${nodeId}`,
    process: process as ServiceProcess,
    sharedJvm,
  }
}

describe('oneNodePerProcess', () => {
  it('keeps every node when each has its own JVM', () => {
    const nodes = [1, 2, 3].map((id) => node(id, { running: true }, false))
    expect(oneNodePerProcess(nodes)).toEqual(nodes)
  })

  it('keeps the first node of a shared JVM once, so a fault or stop signals it once', () => {
    const jvm = { running: true, paused: false }
    const nodes = [1, 2, 3].map((id) => node(id, jvm, true))
    expect(oneNodePerProcess(nodes).map((n) => n.nodeId)).toEqual([1])
  })
})

describe('isLive', () => {
  it('is true only for a running, unpaused process', () => {
    expect(isLive(node(1, { running: true, paused: false }, false))).toBe(true)
    expect(isLive(node(1, { running: true, paused: true }, false))).toBe(false)
    expect(isLive(node(1, { running: false, paused: false }, false))).toBe(false)
  })
})
