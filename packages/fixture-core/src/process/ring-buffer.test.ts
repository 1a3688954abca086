import { describe, expect, it } from 'vitest'
import { LineRingBuffer } from './ring-buffer.js'

describe('LineRingBuffer', () => {
  it('splits chunks into lines and keeps an unterminated tail', () => {
    const buf = new LineRingBuffer(10)
    expect(buf.write('a\r\nb\nhal')).toEqual(['a', 'b'])
    expect(buf.tail()).toEqual(['a', 'b', 'hal'])
    expect(buf.write('f\n')).toEqual(['half'])
    expect(buf.tail()).toEqual(['a', 'b', 'half'])
  })

  it('keeps only the last `capacity` lines, in order', () => {
    const buf = new LineRingBuffer(3)
    for (let i = 1; i <= 7; i++) buf.push(`l${i}`)
    expect(buf.tail()).toEqual(['l5', 'l6', 'l7'])
    expect(buf.tail(2)).toEqual(['l6', 'l7'])
    expect(buf.tail(0)).toEqual([])
    expect(buf.size).toBe(3)
    expect(buf.written).toBe(7)
  })

  it('since(mark) returns what came after the mark; flush() ends the tail', () => {
    const buf = new LineRingBuffer(5)
    buf.write('old\n')
    const mark = buf.written
    buf.write('new1\nnew2')
    expect(buf.since(mark)).toEqual(['new1', 'new2'])
    expect(buf.flush()).toBe('new2')
    expect(buf.flush()).toBeUndefined()
    expect(buf.since(mark)).toEqual(['new1', 'new2'])
  })

  it('bounds a line without a newline', () => {
    const buf = new LineRingBuffer(100)
    buf.write('x'.repeat(40_000))
    const lines = buf.tail()
    expect(lines.length).toBe(3)
    expect(lines.every((l) => l.length <= 16 * 1024)).toBe(true)
  })

  it('rejects a capacity below 1', () => {
    expect(() => new LineRingBuffer(0)).toThrow(RangeError)
  })
})
