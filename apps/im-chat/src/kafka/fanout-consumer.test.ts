import { describe, expect, it } from 'vitest'
import { DeliveredOffsets } from './fanout-consumer.js'

describe('DeliveredOffsets', () => {
  it('a message handed over again after a rejoin is not new; later ones are, per partition', () => {
    const delivered = new DeliveredOffsets()
    expect(delivered.isNew(0, '0')).toBe(true)
    delivered.mark(0, '0')
    delivered.mark(0, '1')
    expect(delivered.isNew(0, '1')).toBe(false) // the group rejoined from the last committed offset
    expect(delivered.isNew(0, '0')).toBe(false)
    expect(delivered.isNew(0, '2')).toBe(true)
    expect(delivered.isNew(1, '0')).toBe(true)
  })

  it('compares offsets as 64-bit numbers, not as strings or doubles', () => {
    const delivered = new DeliveredOffsets()
    delivered.mark(0, '9')
    expect(delivered.isNew(0, '10')).toBe(true)
    delivered.mark(0, '9007199254740993')
    expect(delivered.isNew(0, '9007199254740992')).toBe(false)
    expect(delivered.isNew(0, '9007199254740994')).toBe(true)
  })

  it('an older offset marked late does not move the mark back', () => {
    const delivered = new DeliveredOffsets()
    delivered.mark(2, '5')
    delivered.mark(2, '3')
    expect(delivered.isNew(2, '4')).toBe(false)
  })
})
