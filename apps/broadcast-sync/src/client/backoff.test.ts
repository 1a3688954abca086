import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff.js'

describe('backoffDelay', () => {
  const mid = () => 0.5 // no jitter

  it('grows exponentially from initialMs and stops at maxMs', () => {
    const delays = [0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, { initialMs: 100, maxMs: 1_000 }, mid))
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000])
  })

  it('spreads delays by at most the jitter fraction, never above maxMs', () => {
    expect(backoffDelay(0, { initialMs: 100, jitter: 0.2 }, () => 0)).toBe(80)
    expect(backoffDelay(0, { initialMs: 100, jitter: 0.2 }, () => 1)).toBe(120)
    expect(backoffDelay(9, { initialMs: 100, maxMs: 500, jitter: 0.5 }, () => 1)).toBe(500)
  })
})
