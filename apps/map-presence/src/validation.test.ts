import { describe, expect, it } from 'vitest'
import { HttpError } from './http-error.js'
import { isUuid, parseCreatePoi, parseCreateSession, parseJoinPoi, parsePosition } from './validation.js'

const id = '5f0c7f9e-2d7b-4c1a-9a63-6f1f0b2f8c11'

describe('request validation', () => {
  it('parses a session and defaults the display name to the user id', () => {
    expect(parseCreateSession({ userId: 'u1', mapId: 'm1', lat: 1, lng: 2 })).toEqual({
      userId: 'u1',
      displayName: 'u1',
      mapId: 'm1',
      lat: 1,
      lng: 2,
    })
  })

  it('leaves coordinate ranges to the database (only shape is checked here)', () => {
    expect(parsePosition({ lat: 95, lng: -200 })).toEqual({ lat: 95, lng: -200 })
  })

  it.each([
    [null, 'the request body must be a JSON object'],
    [[1], 'the request body must be a JSON object'],
    [{ lat: '1', lng: 2 }, 'lat must be a finite number'],
    [{ lat: 1 }, 'lng must be a finite number'],
  ])('rejects %j with a 400', (body, message) => {
    const error = (() => {
      try {
        parsePosition(body)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(HttpError)
    expect(error).toMatchObject({ status: 400, message })
  })

  it('requires UUIDs for session references and lower-cases them', () => {
    expect(parseJoinPoi({ sessionId: id.toUpperCase() })).toEqual({ sessionId: id })
    expect(() => parseJoinPoi({ sessionId: 'abc' })).toThrow('sessionId must be a UUID')
    expect(() => parseCreatePoi({ name: 'x', createdBy: 1, lat: 0, lng: 0 })).toThrow(
      'createdBy must be a UUID',
    )
  })

  it('recognises UUIDs', () => {
    expect(isUuid(id)).toBe(true)
    expect(isUuid('not-a-uuid')).toBe(false)
    expect(isUuid(undefined)).toBe(false)
  })
})
