import { describe, expect, it } from 'vitest'
import { InvalidOptionsError } from '../errors.js'
import { validateSpec } from './service-spec.js'

const ok = { name: 'srv', command: '/bin/true' }

describe('validateSpec', () => {
  it('accepts a minimal spec', () => {
    expect(() => validateSpec(ok)).not.toThrow()
    expect(() => validateSpec({ ...ok, stopGraceMs: 0, readyIntervalMs: 0, port: 5432 })).not.toThrow()
  })

  it.each([
    [{ name: '' }, 'name'],
    [{ command: '' }, 'command'],
    [{ readyTimeoutMs: 0 }, 'readyTimeoutMs'],
    [{ readyTimeoutMs: Number.POSITIVE_INFINITY }, 'readyTimeoutMs'],
    [{ readyAttemptTimeoutMs: -5 }, 'readyAttemptTimeoutMs'],
    [{ stopGraceMs: -1 }, 'stopGraceMs'],
    [{ logCapacity: 0 }, 'logCapacity'],
    [{ port: 70_000 }, 'port'],
  ])('rejects %o', (bad, option) => {
    const err = (() => {
      try {
        validateSpec({ ...ok, ...bad })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect((err as InvalidOptionsError).option).toBe(option)
  })
})
