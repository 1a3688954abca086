import { describe, expect, it } from 'vitest'
import { parseClientMessage } from './messages.js'

describe('parseClientMessage', () => {
  it('parses moves and pings', () => {
    expect(parseClientMessage('{"type":"avatar_movement","data":{"lat":1.5,"lng":-2}}')).toEqual({
      type: 'avatar_movement',
      data: { lat: 1.5, lng: -2 },
    })
    expect(parseClientMessage('{"type":"ping","data":{"id":7}}')).toEqual({ type: 'ping', data: { id: 7 } })
    expect(parseClientMessage('{"type":"ping"}')).toEqual({ type: 'ping', data: { id: undefined } })
  })

  it.each([
    ['not json', 'frames must be JSON'],
    ['42', 'frames must be JSON objects'],
    [
      '{"type":"avatar_movement","data":{"lat":"1","lng":2}}',
      'avatar_movement needs numeric data.lat and data.lng',
    ],
    ['{"type":"avatar_movement"}', 'avatar_movement needs numeric data.lat and data.lng'],
    ['{"type":"teleport"}', 'unknown message type "teleport"'],
  ])('reports %s as an error', (raw, error) => {
    expect(parseClientMessage(raw)).toEqual({ error })
  })
})
