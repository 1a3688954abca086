import { describe, expect, it } from 'vitest'
import { databasePrefix, ident, withDatabase } from './names.js'

describe('names', () => {
  it('quotes identifiers', () => {
    expect(ident('a"b')).toBe('"a""b"')
  })

  it('makes a per-process database prefix within the identifier limit', () => {
    const p = databasePrefix()
    expect(p).toMatch(new RegExp(`^infra_t${process.pid}_[0-9a-f]{4}_$`))
    expect(`${p}123456`.length).toBeLessThan(63)
  })

  it('swaps the database in a URL and keeps the rest', () => {
    expect(withDatabase('postgres://u:p%40ss@h:5432/admin?sslmode=disable', 'x_1')).toBe(
      'postgres://u:p%40ss@h:5432/x_1?sslmode=disable',
    )
    expect(withDatabase('postgres://u@h:1/a', 'b', { options: '-c search_path=s' })).toBe(
      'postgres://u@h:1/b?options=-c%20search_path%3Ds',
    )
  })
})
