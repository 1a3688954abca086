import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { KeyedQueue } from './keyed-queue.js'

describe('KeyedQueue', () => {
  it('runs tasks of one key in submission order, even when earlier ones are slower', async () => {
    const queue = new KeyedQueue()
    const order: number[] = []
    await Promise.all(
      [30, 1, 10, 0].map((delay, index) =>
        queue.run('a', async () => {
          await sleep(delay)
          order.push(index)
        }),
      ),
    )
    expect(order).toEqual([0, 1, 2, 3])
  })

  it('runs different keys concurrently', async () => {
    const queue = new KeyedQueue()
    const order: string[] = []
    await Promise.all([
      queue.run('slow', async () => {
        await sleep(30)
        order.push('slow')
      }),
      queue.run('fast', async () => {
        order.push('fast')
      }),
    ])
    expect(order).toEqual(['fast', 'slow'])
  })

  it('keeps going after a failed task and forgets idle keys', async () => {
    const queue = new KeyedQueue()
    const failed = queue.run('a', async () => {
      throw new Error('boom')
    })
    const next = queue.run('a', async () => 42)
    await expect(failed).rejects.toThrow('boom')
    await expect(next).resolves.toBe(42)
    await queue.drain()
    await sleep(0)
    expect(queue.size).toBe(0)
  })
})
