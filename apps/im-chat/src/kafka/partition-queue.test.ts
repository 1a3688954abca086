import { describe, expect, it } from 'vitest'
import { PartitionQueue } from './partition-queue.js'

describe('PartitionQueue', () => {
  it('flushes each partition in arrival order, one flush per partition at a time, in batches', async () => {
    const flushed: [number, string[]][] = []
    let inFlight = 0
    let maxInFlightPerPartition = 0
    const queue = new PartitionQueue<string>(async (partition, items) => {
      inFlight++
      maxInFlightPerPartition = Math.max(maxInFlightPerPartition, inFlight)
      await new Promise((r) => setTimeout(r, 5))
      flushed.push([partition, items])
      inFlight--
    }, 3)
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((item) => queue.push(0, item)))
    expect(flushed).toEqual([
      [0, ['a', 'b', 'c']],
      [0, ['d', 'e']],
    ])
    expect(maxInFlightPerPartition).toBe(1)
  })

  it('rejects every item of a failed batch and keeps serving later ones', async () => {
    let fail = true
    const queue = new PartitionQueue<number>(async () => {
      if (fail) throw new Error('leader gone')
    })
    await expect(queue.push(1, 1)).rejects.toThrow('leader gone')
    fail = false
    await expect(queue.push(1, 2)).resolves.toBeUndefined()
  })
})
