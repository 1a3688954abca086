import { describe, expect, it } from 'vitest'
import { excerptAt, lineColumn } from './sql-position.js'

describe('lineColumn', () => {
  it('maps a 1-based character position to line and column', () => {
    const sql = 'create table a (id int);\ncreate tabel b (id int);\n'
    const pos = sql.indexOf('tabel') + 1
    expect(lineColumn(sql, pos)).toEqual({ line: 2, column: 8 })
    expect(lineColumn(sql, 1)).toEqual({ line: 1, column: 1 })
  })

  it('counts characters, not UTF-16 units or bytes', () => {
    const sql = "select '😀';\nselec 1"
    const pos = Array.from(sql).indexOf('s', 5) + 1
    expect(lineColumn(sql, pos)).toEqual({ line: 2, column: 1 })
  })

  it('clamps positions past the end', () => {
    expect(lineColumn('ab', 99)).toEqual({ line: 1, column: 3 })
  })
})

describe('excerptAt', () => {
  it('puts a caret under the column', () => {
    const out = excerptAt('one\nsel ect', 2, 5)
    expect(out.split('\n')[1]!.indexOf('^')).toBe(out.split('\n')[0]!.indexOf('ect'))
  })
})
