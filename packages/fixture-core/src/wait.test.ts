import { describe, expect, it } from 'vitest'
import { InvalidOptionsError, WaitTimeoutError } from './errors.js'
import { waitFor, withTimeout } from './wait.js'

describe('waitFor', () => {
  it('resolves with the first value that is not undefined/false', async () => {
    let n = 0
    expect(
      await waitFor(() => (++n >= 3 ? `after ${n}` : false), { what: 'three tries', intervalMs: 1 }),
    ).toBe('after 3')
  })

  it('times out saying what it waited for, with the last probe error', async () => {
    const err = await waitFor(
      () => {
        throw new Error('still booting')
      },
      { what: 'the thing to boot', timeoutMs: 50 },
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WaitTimeoutError)
    expect((err as Error).message).toBe(
      'Timed out after 50 ms waiting for the thing to boot.\nLast probe error: still booting',
    )
  })

  it('abandons a probe that hangs, so the wait stays finite', async () => {
    const never = () => new Promise<boolean>(() => {})
    await expect(waitFor(never, { what: 'a hanging probe', timeoutMs: 100 })).rejects.toThrow(
      'waiting for a hanging probe',
    )
  })

  it('stops when aborted and rejects a non-finite timeout', async () => {
    const ac = new AbortController()
    const waiting = waitFor(() => false, { what: 'never', timeoutMs: 5_000, signal: ac.signal })
    ac.abort(new Error('test over'))
    await expect(waiting).rejects.toThrow('test over')
    await expect(
      waitFor(() => true, { what: 'x', timeoutMs: Number.POSITIVE_INFINITY }),
    ).rejects.toBeInstanceOf(InvalidOptionsError)
  })
})

describe('withTimeout', () => {
  it('passes the value through or names what it waited for', async () => {
    expect(await withTimeout(Promise.resolve(7), 100, 'seven')).toBe(7)
    await expect(withTimeout(new Promise(() => {}), 20, 'the reply')).rejects.toThrow(
      'Timed out after 20 ms waiting for the reply.',
    )
  })
})
