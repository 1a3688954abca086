import { describe, expect, it } from 'vitest'
import { formatUrl, parseEndpoint } from './clients.js'

describe('endpoint URLs', () => {
  it('round-trips credentials and the database', () => {
    const e = parseEndpoint('http://default:p%40ss@127.0.0.1:18123/analytics')
    expect(e).toEqual({
      origin: 'http://127.0.0.1:18123',
      username: 'default',
      password: 'p@ss',
      database: 'analytics',
    })
    expect(formatUrl(e)).toBe('http://default:p%40ss@127.0.0.1:18123')
    expect(formatUrl(e, 'db1')).toBe('http://default:p%40ss@127.0.0.1:18123/db1')
  })

  it('defaults the user to default and the database to none', () => {
    expect(parseEndpoint('http://127.0.0.1:8123/')).toEqual({
      origin: 'http://127.0.0.1:8123',
      username: 'default',
      password: '',
      database: undefined,
    })
  })
})
