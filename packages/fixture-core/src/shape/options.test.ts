import { describe, expect, it } from 'vitest'
import { InvalidOptionsError } from '../errors.js'
import { check, checkOptions, nearestKey } from './options.js'

interface DemoOptions {
  port?: number
  startTimeoutMs?: number
  durable?: boolean
  mode?: 'a' | 'b'
  config?: Record<string, string | number | boolean>
  nodes?: number
  migrations?: string | (() => void)
}

const schema = {
  port: check.port(),
  startTimeoutMs: check.ms(),
  durable: check.boolean(),
  mode: check.oneOf('a', 'b'),
  config: check.configMap(),
  nodes: check.int(1, 5),
  migrations: check.pathOrFunction(),
}

function attempt(options: unknown): InvalidOptionsError {
  try {
    checkOptions('startDemo()', options as DemoOptions, schema)
  } catch (error) {
    if (error instanceof InvalidOptionsError) return error
    throw error
  }
  throw new Error('expected InvalidOptionsError')
}

describe('checkOptions', () => {
  it('accepts valid options and undefined', () => {
    expect(checkOptions<DemoOptions>('startDemo()', undefined, schema)).toEqual({})
    const o: DemoOptions = {
      port: 6380,
      startTimeoutMs: 10,
      durable: true,
      mode: 'b',
      config: { a: 1 },
      nodes: 3,
    }
    expect(checkOptions('startDemo()', o, schema)).toBe(o)
  })

  it('names an unknown key and the nearest valid one', () => {
    const error = attempt({ prot: 6380 })
    expect(error.option).toBe('prot')
    expect(error.message).toContain("Did you mean 'port'?")
    expect(error.message).toContain('startDemo()')
  })

  it('gives no guess when nothing is close', () => {
    expect(attempt({ zzzzzzzz: 1 }).message).not.toContain('Did you mean')
  })

  it.each([
    [{ port: 0 }, 'port'],
    [{ port: 70000 }, 'port'],
    [{ startTimeoutMs: Number.POSITIVE_INFINITY }, 'startTimeoutMs'],
    [{ startTimeoutMs: -1 }, 'startTimeoutMs'],
    [{ durable: 'yes' }, 'durable'],
    [{ mode: 'c' }, 'mode'],
    [{ config: { x: {} } }, 'config.x'],
    [{ nodes: 2.5 }, 'nodes'],
    [{ nodes: 6 }, 'nodes'],
    [{ migrations: 42 }, 'migrations'],
  ])('rejects %o naming %s', (options, option) => {
    expect(attempt(options).option).toBe(option)
  })

  it('rejects a non-object', () => {
    expect(attempt(5).message).toContain('expects an options object')
  })

  it('checks nested objects and arrays with their path', () => {
    const nested = { users: check.arrayOf(check.object({ name: check.string(), password: check.string() })) }
    expect(() => checkOptions('f()', { users: [{ name: 'a', pasword: 'x' }] }, nested)).toThrow(
      /users\[0\]\.pasword.*Did you mean 'password'/s,
    )
  })
})

describe('nearestKey', () => {
  it('finds typos, case-insensitively', () => {
    expect(nearestKey('startTimeOutMs', ['startTimeoutMs', 'port'])).toBe('startTimeoutMs')
    expect(nearestKey('ports', ['port', 'nodes'])).toBe('port')
    expect(nearestKey('completelyDifferent', ['port'])).toBeUndefined()
  })
})
