import { describe, expect, it } from 'vitest'
import { invalidChannels, MAX_CHANNELS_PER_FRAME, parseClientFrame, parseServerFrame } from './protocol.js'

describe('parseClientFrame', () => {
  it('accepts subscribe and unsubscribe, de-duplicating channels', () => {
    expect(parseClientFrame('{"type":"subscribe","channels":["orders","orders","a.b:c-1"]}')).toEqual({
      type: 'subscribe',
      channels: ['orders', 'a.b:c-1'],
    })
    expect(parseClientFrame('{"type":"unsubscribe","channels":["orders"]}')).toEqual({
      type: 'unsubscribe',
      channels: ['orders'],
    })
  })

  it('accepts ping with and without an id', () => {
    expect(parseClientFrame('{"type":"ping"}')).toEqual({ type: 'ping' })
    expect(parseClientFrame('{"type":"ping","id":7}')).toEqual({ type: 'ping', id: 7 })
    expect(parseClientFrame('{"type":"ping","id":{}}')).toMatchObject({ error: 'invalid_frame' })
  })

  it.each([
    ['not json', 'invalid_json'],
    ['[1,2]', 'invalid_frame'],
    ['{"channels":["a"]}', 'invalid_frame'],
    ['{"type":"dance"}', 'invalid_frame'],
    ['{"type":"subscribe"}', 'invalid_frame'],
    ['{"type":"subscribe","channels":[]}', 'invalid_frame'],
    ['{"type":"subscribe","channels":["has space"]}', 'invalid_frame'],
    ['{"type":"subscribe","channels":[42]}', 'invalid_frame'],
  ])('rejects %s with %s', (text, code) => {
    const parsed = parseClientFrame(text)
    expect(parsed).toMatchObject({ error: code, message: expect.any(String) })
  })

  it('names the unknown type and the bad channel in the message', () => {
    expect(parseClientFrame('{"type":"dance"}')).toMatchObject({
      message: expect.stringContaining('"dance"'),
    })
    expect(parseClientFrame('{"type":"subscribe","channels":["a b"]}')).toMatchObject({
      message: expect.stringContaining('"a b"'),
    })
  })
})

describe('invalidChannels', () => {
  it('limits the number of channels per frame', () => {
    const many = Array.from({ length: MAX_CHANNELS_PER_FRAME + 1 }, (_, i) => `c${i}`)
    expect(invalidChannels(many)).toMatch(/at most/)
    expect(invalidChannels(many.slice(1))).toBeUndefined()
    expect(invalidChannels(['x'.repeat(65)])).toMatch(/invalid channel/)
  })
})

describe('parseServerFrame', () => {
  it('returns known frames and ignores garbage', () => {
    expect(parseServerFrame('{"type":"welcome","clientId":"c1"}')).toEqual({
      type: 'welcome',
      clientId: 'c1',
    })
    expect(parseServerFrame('nope')).toBeUndefined()
    expect(parseServerFrame('{"no":"type"}')).toBeUndefined()
  })
})
