import { describe, expect, it } from 'vitest'
import { DependencyUnavailableError, withDeadline } from './errors.js'

describe('withDeadline', () => {
  it('turns a hang into a DependencyUnavailableError naming what timed out', async () => {
    const error = await withDeadline('etcd', 'config read', 20, () => new Promise(() => {})).catch((e) => e)
    expect(error).toBeInstanceOf(DependencyUnavailableError)
    expect(error).toMatchObject({ dependency: 'etcd', reason: 'config read timed out after 20 ms' })
  })

  it('wraps a client error with the dependency and keeps the cause', async () => {
    const cause = new Error('ECONNREFUSED')
    const error = await withDeadline('redis', 'ping', 1000, () => Promise.reject(cause)).catch((e) => e)
    expect(error).toMatchObject({ dependency: 'redis', reason: 'ping failed: ECONNREFUSED', cause })
  })

  it('returns the result when it comes in time', async () => {
    await expect(withDeadline('mysql', 'q', 1000, async () => 7)).resolves.toBe(7)
  })
})
