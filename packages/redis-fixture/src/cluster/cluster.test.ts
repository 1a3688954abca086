import { describe, expect, it } from 'vitest'
import { CLUSTER_SLOTS, splitSlots } from './start.js'

describe('splitSlots', () => {
  it.each([1, 2, 3, 5, 7])('covers all 16384 slots contiguously for %i masters', (masters) => {
    const ranges = splitSlots(masters)
    expect(ranges).toHaveLength(masters)
    expect(ranges[0]![0]).toBe(0)
    expect(ranges.at(-1)![1]).toBe(CLUSTER_SLOTS - 1)
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1] + 1)
  })
})
