import { describe, expect, it } from 'vitest'
import { databasePrefix, ident, literal, redact, templateName, withDatabase } from './names.js'

describe('names', () => {
  it('quotes identifiers and literals', () => {
    expect(ident('we`ird')).toBe('`we``ird`')
    expect(literal("it's \\")).toBe("'it''s \\\\'")
  })

  it('makes per-process prefixes and template names', () => {
    expect(databasePrefix()).toMatch(new RegExp(`^infra_t${process.pid}_[0-9a-f]{4}_$`))
    expect(templateName('0123456789abcdef0123')).toBe('infra_tpl_0123456789abcdef')
  })

  it('swaps the database of a URL and hides passwords', () => {
    const url = 'mysql://root:s3cret@127.0.0.1:3307/'
    expect(withDatabase(url, 'db1')).toBe('mysql://root:s3cret@127.0.0.1:3307/db1')
    expect(redact(url)).toBe('mysql://root:***@127.0.0.1:3307/')
  })
})
