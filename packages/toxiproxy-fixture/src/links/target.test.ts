import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { resolveTarget, rewriteAddress } from './target.js'

describe('resolveTarget', () => {
  it('reads host:port and URL strings', () => {
    expect(resolveTarget('127.0.0.1:6379')).toEqual({ host: '127.0.0.1', port: 6379 })
    expect(resolveTarget('[::1]:5432')).toEqual({ host: '::1', port: 5432 })
    expect(resolveTarget('redis://127.0.0.1:6380/2')).toMatchObject({
      host: '127.0.0.1',
      port: 6380,
      url: 'redis://127.0.0.1:6380/2',
    })
  })

  it('reads a handle by host/port, then url, then env()', () => {
    expect(resolveTarget({ host: 'localhost', port: 1 })).toMatchObject({ host: 'localhost', port: 1 })
    expect(resolveTarget({ url: 'postgres://u:p@127.0.0.1:5433/db' })).toMatchObject({ port: 5433 })
    const handle = { env: () => ({ REDIS_URL: 'redis://127.0.0.1:7000', OTHER: 'x' }) }
    expect(resolveTarget(handle)).toMatchObject({ port: 7000, env: handle.env() })
  })

  it('rejects what it cannot read, saying why', () => {
    expect(() => resolveTarget('localhost')).toThrow(InvalidOptionsError)
    expect(() => resolveTarget('127.0.0.1:70000')).toThrow(/not a port/)
    expect(() => resolveTarget({} as never)).toThrow(/host, port/)
    const two = { env: () => ({ A: 'redis://127.0.0.1:1', B: 'redis://127.0.0.1:2' }) }
    expect(() => resolveTarget(two)).toThrow(/2 servers/)
  })
})

describe('rewriteAddress', () => {
  it('replaces the target address, loopback spelled either way', () => {
    const from = resolveTarget('127.0.0.1:6379')
    const to = { host: '127.0.0.1', port: 40000 }
    expect(rewriteAddress('redis://localhost:6379/0', from, to)).toBe('redis://127.0.0.1:40000/0')
    expect(rewriteAddress('a:6379,127.0.0.1:6379', from, to)).toBe('a:6379,127.0.0.1:40000')
  })
})
