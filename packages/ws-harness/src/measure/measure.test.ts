import { describe, expect, it } from 'vitest'
import { summarize } from './measure.js'

describe('summarize', () => {
  it('computes nearest-rank percentiles', () => {
    const s = summarize(Array.from({ length: 100 }, (_, i) => i + 1))
    expect(s).toMatchObject({ count: 100, min: 1, p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 })
  })
  it('handles one sample and none', () => {
    expect(summarize([7])).toMatchObject({ p50: 7, p99: 7 })
    expect(Number.isNaN(summarize([]).p99)).toBe(true)
  })
})
