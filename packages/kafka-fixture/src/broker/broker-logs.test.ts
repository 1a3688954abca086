import { ProcessExitedError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { nameLogFiles } from './broker-logs.js'

describe('nameLogFiles', () => {
  it('adds the paths to the message and the stack, keeping the error and its type', () => {
    const err = new ProcessExitedError('kafka-1', { code: 1, signal: null }, ['boom'])
    nameLogFiles(err, ['/run/kafka-logs/a.log', undefined, '/run/kafka-logs/b.log'])
    expect(err).toBeInstanceOf(ProcessExitedError)
    expect(err.message).toMatch(
      /Broker logs \(until the test run ends\): \/run\/kafka-logs\/a\.log, \/run\/kafka-logs\/b\.log$/,
    )
    expect(err.stack).toContain('/run/kafka-logs/b.log')
    expect(err.logs).toEqual(['boom'])
  })

  it('leaves an error alone when no file was written', () => {
    const err = new Error('x')
    nameLogFiles(err, [undefined])
    expect(err.message).toBe('x')
  })
})
