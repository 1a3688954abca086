import { describe, expect, it } from 'vitest'
import { idsCoveringPartitions, javaStringHash, transactionPartition } from './transaction-warmup.js'

describe('transactional id → __transaction_state partition (as the broker computes it)', () => {
  it("matches Java's String.hashCode", () => {
    expect(javaStringHash('')).toBe(0)
    expect(javaStringHash('hello')).toBe(99162322)
    expect(javaStringHash('transactional-id-1')).toBe(1051133891)
    // the one hash whose Math.abs overflows: Kafka's Utils.abs maps it to 0
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648)
    expect(transactionPartition('polygenelubricants', 4)).toBe(0)
  })

  it('finds one id for every partition', () => {
    for (const n of [1, 4, 50]) {
      const ids = idsCoveringPartitions('test-abc-', n)
      expect(ids).toHaveLength(n)
      expect(ids.map((id) => transactionPartition(id, n))).toEqual(Array.from({ length: n }, (_, i) => i))
    }
  })
})
