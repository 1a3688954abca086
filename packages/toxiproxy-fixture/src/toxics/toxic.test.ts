import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { toxicBodies } from './toxic.js'
import { checkAmount, checkLatencyOptions, checkSlicerOptions } from './toxic-options.js'

describe('toxicBodies', () => {
  it('makes one toxic per stream, downstream by default', () => {
    expect(toxicBodies('latency_1', 'latency', { latency: 5 })).toEqual([
      {
        name: 'latency_1_downstream',
        type: 'latency',
        stream: 'downstream',
        toxicity: 1,
        attributes: { latency: 5 },
      },
    ])
    const both = toxicBodies('t', 'timeout', { timeout: 0 }, { direction: 'both', toxicity: 0.5 })
    expect(both.map((b) => [b.stream, b.toxicity])).toEqual([
      ['downstream', 0.5],
      ['upstream', 0.5],
    ])
  })
})

describe('toxic options', () => {
  it('rejects unknown keys with the nearest one', () => {
    expect(() => checkLatencyOptions({ jiter: 5 } as never)).toThrow(/did you mean 'jitter'/i)
    expect(() => checkLatencyOptions({ direction: 'sideways' } as never)).toThrow(InvalidOptionsError)
    expect(() => checkLatencyOptions({ toxicity: 2 })).toThrow(/from 0 to 1/)
  })

  it('checks amounts and slicer sizes', () => {
    expect(checkAmount('latency', 0)).toBe(0)
    expect(() => checkAmount('latency', -1)).toThrow(/>= 0/)
    expect(() => checkAmount('bytes', 1.5, { integer: true })).toThrow(/integer/)
    expect(() => checkSlicerOptions({ averageSize: 10, sizeVariation: 10 })).toThrow(/smaller/)
  })
})
