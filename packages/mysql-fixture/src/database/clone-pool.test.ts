import { WaitTimeoutError, waitFor } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { ClonePool } from './clone-pool.js'

// the pool's bookkeeping alone (the integration tests run it against a real server)
function pool(opts: { size?: number; fail?: boolean } = {}) {
  const live = new Set<string>()
  const p = new ClonePool({
    prefix: 'db_',
    size: opts.size ?? 2,
    what: 'a clone',
    create: async (name) => {
      await new Promise((r) => setTimeout(r, 1))
      if (opts.fail) throw new Error('server down')
      live.add(name)
    },
    drop: async (name) => {
      live.delete(name)
    },
  })
  return { p, live }
}

describe('ClonePool', () => {
  it('keeps `size` databases ready and refills after each acquire', async () => {
    const { p, live } = pool({ size: 2 })
    p.warm()
    const a = await p.acquire()
    const b = await p.acquire()
    expect(a).not.toBe(b)
    await waitFor(() => p.readyCount === 2, { what: 'the pool to refill', timeoutMs: 5_000 })
    expect(live.size).toBe(4)
    p.release(a)
    await p.close({ drop: 'all' })
    expect(live.size).toBe(0)
  })

  it('drops released databases in the background', async () => {
    const { p, live } = pool({ size: 0 })
    const a = await p.acquire()
    p.release(a)
    await waitFor(() => !live.has(a), { what: 'the released database to be dropped', timeoutMs: 5_000 })
    expect(p.names).toEqual([])
  })

  it('gives a refill error to the waiter, and times out with WaitTimeoutError when nothing comes', async () => {
    const { p } = pool({ size: 0, fail: true })
    await expect(p.acquire()).rejects.toThrow('server down')
    const never = new ClonePool({
      prefix: 'x_',
      size: 0,
      what: 'a clone of the template',
      create: () => new Promise(() => {}),
      drop: async () => {},
    })
    await expect(never.acquire(50)).rejects.toBeInstanceOf(WaitTimeoutError)
  })
})
