import { describe, expect, test } from 'vitest'
import { detectAnomalies, zScore } from './anomaly.js'

describe('zScore', () => {
  test('measures distance from the window mean in standard deviations', () => {
    expect(zScore([1, 3], 4)).toBe(2) // mean 2, sd 1
    expect(zScore([5, 5, 5], 5)).toBe(0)
    expect(zScore([5, 5, 5], 6)).toBe(Number.POSITIVE_INFINITY)
    expect(() => zScore([], 1)).toThrow(RangeError)
  })
})

describe('detectAnomalies', () => {
  test('flags the spike and only the spike in a noisy series', () => {
    const series = Array.from({ length: 40 }, (_, i) => 100 + ((i * 7) % 5) - 2)
    series[30] = 400
    const found = detectAnomalies(series, 10, 3)
    expect(found.map((a) => a.index)).toEqual([30])
    expect(found[0]!.zScore).toBeGreaterThan(3)
  })

  test('rejects a window too small to have a deviation', () => {
    expect(() => detectAnomalies([1, 2, 3], 1)).toThrow(RangeError)
  })
})
