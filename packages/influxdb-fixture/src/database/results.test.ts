import { describe, expect, it } from 'vitest'
import { InfluxDBError } from '../errors.js'
import { checkResults, nanosToRfc3339, rfc3339ToNanos, toRows } from './results.js'

describe('timestamps', () => {
  it('reads the server’s RFC3339Nano exactly, trailing zeros cut or not', () => {
    expect(rfc3339ToNanos('2023-11-14T22:13:20.123456789Z')).toBe(1_700_000_000_123_456_789n)
    expect(rfc3339ToNanos('2023-11-14T22:13:20.12345679Z')).toBe(1_700_000_000_123_456_790n)
    expect(rfc3339ToNanos('2023-11-14T22:13:20Z')).toBe(1_700_000_000_000_000_000n)
    expect(rfc3339ToNanos('1970-01-01T00:00:00Z')).toBe(0n)
    expect(rfc3339ToNanos('2023-11-14T23:13:20.5+01:00')).toBe(1_700_000_000_500_000_000n)
    expect(() => rfc3339ToNanos('yesterday')).toThrow(/RFC3339/)
  })

  it('writes nine fraction digits and round-trips, before 1970 too', () => {
    expect(nanosToRfc3339(1_700_000_000_123_456_789n)).toBe('2023-11-14T22:13:20.123456789Z')
    for (const ns of [0n, 1n, -1n, 1_700_000_000_000_000_001n, -86_400_000_000_001n]) {
      expect(rfc3339ToNanos(nanosToRfc3339(ns))).toBe(ns)
    }
  })
})

describe('results', () => {
  it('flattens series into rows with tags and the measurement', () => {
    const results = checkResults(
      'SELECT * FROM trade GROUP BY sym',
      200,
      JSON.stringify({
        results: [
          {
            statement_id: 0,
            series: [
              {
                name: 'trade',
                tags: { sym: 'ACME' },
                columns: ['time', 'px'],
                values: [['2023-11-14T22:13:20.123456789Z', 10.5]],
              },
            ],
          },
        ],
      }),
    )
    expect(toRows(results)).toEqual([
      { measurement: 'trade', sym: 'ACME', time: 1_700_000_000_123_456_789n, px: 10.5 },
    ])
  })

  it('a statement error or a parse error is an InfluxDBError with the server’s text', () => {
    expect(() =>
      checkResults('SELECT 1', 200, '{"results":[{"statement_id":0,"error":"database not found: x"}]}'),
    ).toThrow(InfluxDBError)
    const err = (() => {
      try {
        checkResults('SELEC 1', 400, '{"error":"error parsing query: found SELEC"}')
      } catch (e) {
        return e as InfluxDBError
      }
    })()
    expect(err?.serverMessage).toBe('error parsing query: found SELEC')
    expect(err?.status).toBe(400)
    expect(err?.statement).toBe('SELEC 1')
  })
})
