import { describe, expect, it } from 'vitest'
import { Reader } from './kafka-wire-codec.js'

describe('Reader', () => {
  it('decodes unsigned varints and compact strings', () => {
    const r = new Reader(Buffer.from([0xac, 0x02, 0x04, 0x61, 0x62, 0x63, 0x00]))
    expect(r.uvarint()).toBe(300)
    expect(r.compactNullableString()).toBe('abc')
    expect(r.compactNullableString()).toBeNull()
  })
})
