import { ClickHouseError } from '@clickhouse/client'
import { FixtureError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { ClickHouseQueryError, parseServerError, toQueryError } from './errors.js'

describe('server error text', () => {
  it('parses the 18.16 format', () => {
    const text =
      "Code: 60, e.displayText() = DB::Exception: Table db1.nope doesn't exist., e.what() = DB::Exception\n"
    expect(parseServerError(text)).toEqual({
      code: 60,
      name: undefined,
      message: "Table db1.nope doesn't exist.",
    })
  })

  it('parses the 21+ format', () => {
    const text =
      "Code: 62. DB::Exception: Syntax error: failed at position 1 ('SELEC'). (SYNTAX_ERROR) (version 23.8.2.7)\n"
    expect(parseServerError(text)).toEqual({
      code: 62,
      name: 'SYNTAX_ERROR',
      message: "Syntax error: failed at position 1 ('SELEC').",
    })
  })

  it('keeps unknown text whole', () => {
    expect(parseServerError(' boom ')).toEqual({ code: undefined, name: undefined, message: 'boom' })
  })

  it('wraps a server error in a typed error and leaves others alone', () => {
    const wrapped = toQueryError(
      new Error("Code: 81, e.displayText() = DB::Exception: Database x doesn't exist"),
      'SELECT 1',
    )
    expect(wrapped).toBeInstanceOf(ClickHouseQueryError)
    expect(wrapped).toBeInstanceOf(FixtureError)
    expect((wrapped as ClickHouseQueryError).serverCode).toBe(81)
    expect((wrapped as ClickHouseQueryError).message).toContain('query: SELECT 1')
    const current = toQueryError(
      new ClickHouseError({
        message: 'Unknown table expression identifier. ',
        code: '60',
        type: 'UNKNOWN_TABLE',
      }),
      'SELECT * FROM nope',
    ) as ClickHouseQueryError
    expect(current).toBeInstanceOf(ClickHouseQueryError)
    expect([current.serverCode, current.serverName, current.serverMessage]).toEqual([
      60,
      'UNKNOWN_TABLE',
      'Unknown table expression identifier.',
    ])
    const other = new Error('socket hang up')
    expect(toQueryError(other, 'SELECT 1')).toBe(other)
  })
})
