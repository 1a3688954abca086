import { describe, expect, it } from 'vitest'
import { FixtureStateError } from '../errors.js'
import { FixtureLifecycle } from './fixture-server.js'

describe('FixtureLifecycle', () => {
  it('runs stop work once, however often stop is called', async () => {
    const life = new FixtureLifecycle('demo')
    let runs = 0
    const work = async () => {
      runs++
    }
    await Promise.all([life.stopOnce(work), life.stopOnce(work)])
    await life.stopOnce(work)
    expect(runs).toBe(1)
    expect(life.state).toBe('stopped')
  })

  it('throws FixtureStateError naming the operation and state after stop', async () => {
    const life = new FixtureLifecycle('demo')
    life.assertRunning('restart')
    await life.stopOnce(async () => {})
    const error = (() => {
      try {
        life.assertRunning('restart')
      } catch (e) {
        return e
      }
    })() as FixtureStateError
    expect(error).toBeInstanceOf(FixtureStateError)
    expect(error.operation).toBe('restart')
    expect(error.state).toBe('stopped')
    expect(error.message).toContain('restart()')
  })

  it('is stopped even when the stop work fails', async () => {
    const life = new FixtureLifecycle('demo')
    await expect(life.stopOnce(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(life.state).toBe('stopped')
  })
})
