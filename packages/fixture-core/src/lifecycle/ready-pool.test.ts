import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { ReadyPool } from './ready-pool.js'

function counter(fail: () => boolean = () => false) {
  let n = 0
  const discarded: number[] = []
  return {
    discarded,
    make: async () => {
      await sleep(5)
      if (fail()) throw new Error('server down')
      return ++n
    },
    discard: async (x: number) => {
      discarded.push(x)
    },
  }
}

describe('ReadyPool', () => {
  it('hands out ready items in order and refills in the background', async () => {
    const c = counter()
    const pool = new ReadyPool(2, c.make, c.discard)
    expect(await pool.take()).toBe(1) // none ready: made on the spot
    await pool.idle()
    expect(pool.readyCount).toBe(2)
    expect(await pool.take()).toBe(2)
    expect(await pool.take()).toBe(3)
    expect((await pool.close()).length).toBeLessThanOrEqual(2)
  })

  it('a background failure stops the refill; take() then reports the error itself', async () => {
    let down = false
    const c = counter(() => down)
    const pool = new ReadyPool(2, c.make, c.discard)
    expect(await pool.take()).toBe(1)
    await pool.idle() // 2 and 3 ready
    down = true
    expect(await pool.take()).toBe(2) // starts a refill, which fails
    expect(await pool.take()).toBe(3)
    await pool.idle()
    expect(pool.lastError).toBeInstanceOf(Error)
    await expect(pool.take()).rejects.toThrow('server down')
    down = false
    expect(await pool.take()).toBe(4)
    await pool.close()
  })

  it('close() waits for a refill in progress and returns what is ready; later takes throw', async () => {
    const c = counter()
    const pool = new ReadyPool(3, c.make, c.discard)
    await pool.take()
    const left = await pool.close()
    expect(left.length + c.discarded.length).toBeLessThanOrEqual(3)
    await expect(pool.take()).rejects.toThrow(/closed/)
    // size 0: nothing is made ahead
    const none = new ReadyPool(0, c.make, c.discard)
    await none.take()
    expect(none.readyCount).toBe(0)
  })
})
