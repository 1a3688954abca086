import { describe, expect, it } from 'vitest'
import {
  BinaryNotFoundError,
  EnvironmentError,
  FixtureError,
  InvalidOptionsError,
  PortInUseError,
  ProcessExitedError,
  StartupTimeoutError,
  WaitTimeoutError,
} from './errors.js'

describe('typed errors', () => {
  it('BinaryNotFoundError names the binary, the env variable, the install command and where it looked', () => {
    const err = new BinaryNotFoundError('redis-server', {
      envVar: 'REDIS_SERVER_BIN',
      installHint: 'apt-get install redis-server (or bash tooling/bootstrap.sh)',
      searched: ['PATH', '/usr/local/bin'],
    })
    expect(err.message).toBe(
      "Cannot find the 'redis-server' binary. To fix: set REDIS_SERVER_BIN=/path/to/redis-server, or " +
        'apt-get install redis-server (or bash tooling/bootstrap.sh).\nSearched:\n  - PATH\n  - /usr/local/bin',
    )
    expect(err).toBeInstanceOf(FixtureError)
    expect(err).toMatchObject({
      code: 'BINARY_NOT_FOUND',
      name: 'BinaryNotFoundError',
      envVar: 'REDIS_SERVER_BIN',
    })
  })

  it('BinaryNotFoundError without an env variable still says how to install', () => {
    const err = new BinaryNotFoundError('etcd', { installHint: 'apt-get install etcd-server', searched: [] })
    expect(err.message).toContain("Cannot find the 'etcd' binary. To fix: apt-get install etcd-server.")
    expect(err.message).toContain('(nothing)')
  })

  it('ProcessExitedError shows how it exited and at most the last 50 log lines', () => {
    const logs = Array.from({ length: 80 }, (_, i) => `line ${i + 1}`)
    const err = new ProcessExitedError('pg', { code: 1, signal: null }, logs)
    expect(err.message).toMatch(
      /^The 'pg' process exited during start \(exit code 1\)\. Its last output:\n {2}\| line 31\n/,
    )
    expect(err.message).not.toContain('| line 30\n')
    expect(err.message.endsWith('| line 80')).toBe(true)
    expect(new ProcessExitedError('pg', { code: null, signal: 'SIGKILL' }, []).message).toContain(
      '(signal SIGKILL). Its last output:\n  (no output)',
    )
  })

  it('StartupTimeoutError says what it waited for, the last probe error and the logs', () => {
    const err = new StartupTimeoutError(
      'redis',
      "'redis' to answer PING",
      3000,
      ['booting'],
      new Error('ECONNREFUSED'),
    )
    expect(err).toBeInstanceOf(WaitTimeoutError)
    expect(err.code).toBe('STARTUP_TIMEOUT')
    expect(err.message).toContain("Timed out after 3000 ms waiting for 'redis' to answer PING.")
    expect(err.message).toContain('Last probe error: ECONNREFUSED')
    expect(err.message).toContain('startTimeoutMs')
    expect(err.message).toContain('  | booting')
  })

  it('the other errors carry stable codes and say what to do', () => {
    expect(new PortInUseError(5432).message).toContain('Port 5432 is already in use')
    expect(new PortInUseError(5432).code).toBe('PORT_IN_USE')
    expect(new InvalidOptionsError('port', 'must be > 0')).toMatchObject({
      code: 'INVALID_OPTIONS',
      option: 'port',
      message: "Invalid option 'port': must be > 0",
    })
    expect(new EnvironmentError('no java').code).toBe('ENVIRONMENT')
    expect(new WaitTimeoutError('the queue to drain', 100).message).toBe(
      'Timed out after 100 ms waiting for the queue to drain.',
    )
  })
})
