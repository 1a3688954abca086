import { describe, expect, it } from 'vitest'
import { httpErrorFromPg, isDatabaseUnavailable } from './pg-errors.js'

describe('httpErrorFromPg', () => {
  it('maps a unique violation to 409 with the constraint and a readable message', () => {
    const error = httpErrorFromPg({ code: '23505', constraint: 'pois_name_unique_per_map', message: 'dup' })
    expect(error?.status).toBe(409)
    expect(error?.toBody()).toEqual({
      error: {
        code: 'unique_violation',
        message: 'a POI with this name already exists on this map',
        constraint: 'pois_name_unique_per_map',
      },
    })
  })

  it('maps foreign key and check violations to 422', () => {
    expect(httpErrorFromPg({ code: '23503', constraint: 'sessions_map_id_fkey' })?.status).toBe(422)
    const check = httpErrorFromPg({ code: '23514', constraint: 'sessions_avatar_lat_range', message: 'x' })
    expect(check?.status).toBe(422)
    expect(check?.code).toBe('check_violation')
    expect(check?.message).toBe('lat must be between -90 and 90')
    const unnamed = httpErrorFromPg({
      code: '23514',
      constraint: 'other',
      message: 'x',
      detail: 'Failing row…',
    })
    expect(unnamed?.message).toBe('x')
  })

  it('falls back to the detail when the constraint has no friendly message', () => {
    expect(
      httpErrorFromPg({ code: '23505', constraint: 'other', detail: 'Key (id)=(1) exists' })?.message,
    ).toBe('Key (id)=(1) exists')
  })

  it('leaves connection errors and non-pg errors alone', () => {
    expect(httpErrorFromPg(new Error('ECONNREFUSED'))).toBeUndefined()
    expect(httpErrorFromPg({ code: '57P01' })).toBeUndefined()
    expect(httpErrorFromPg(null)).toBeUndefined()
    expect(httpErrorFromPg('23505')).toBeUndefined()
  })
})

describe('isDatabaseUnavailable', () => {
  it.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '08006' }],
    [{ code: 'ECONNREFUSED' }],
    [new Error('Connection terminated unexpectedly')],
    [new Error('timeout exceeded when trying to connect')],
  ])('recognises %j', (error) => {
    expect(isDatabaseUnavailable(error)).toBe(true)
  })

  it('leaves request errors and bugs alone', () => {
    expect(isDatabaseUnavailable({ code: '23505' })).toBe(false)
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false)
    expect(isDatabaseUnavailable(undefined)).toBe(false)
  })
})
