import { describe, expect, it } from 'vitest'
import { isDebugEnabled } from './debug-log.js'

describe('isDebugEnabled', () => {
  it('matches DEBUG patterns with wildcards, lists and exclusions', () => {
    expect(isDebugEnabled('infra:pg', undefined)).toBe(false)
    expect(isDebugEnabled('infra:pg', 'infra:*')).toBe(true)
    expect(isDebugEnabled('infra:pg', 'infra:redis,infra:pg')).toBe(true)
    expect(isDebugEnabled('infra:pg', 'infra:redis infra:kafka')).toBe(false)
    expect(isDebugEnabled('infra:pg', 'infra:*,-infra:pg')).toBe(false)
    expect(isDebugEnabled('infra:pg.x', 'infra:pg')).toBe(false)
    expect(isDebugEnabled('other', '*')).toBe(true)
  })
})
