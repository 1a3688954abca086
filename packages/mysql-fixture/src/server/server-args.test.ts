import { describe, expect, it } from 'vitest'
import { directiveFlag, serverArgs } from './server-args.js'

const base = { dataDir: '/d/data', runDir: '/d', port: 33061, config: {} }

describe('serverArgs', () => {
  it('reads no option files and binds 127.0.0.1 with its own socket', () => {
    const args = serverArgs({ ...base, durable: false })
    expect(args[0]).toBe('--no-defaults')
    expect(args).toContain('--bind-address=127.0.0.1')
    expect(args).toContain('--port=33061')
    expect(args).toContain('--socket=/d/mysqld.sock')
    expect(args).toContain('--skip-log-bin')
  })

  it('listens on the socket only without a port', () => {
    const args = serverArgs({ ...base, port: undefined, durable: false })
    expect(args).toContain('--skip-networking')
    expect(args.join(' ')).not.toContain('--port')
  })

  it('trades durability for speed unless durable', () => {
    expect(serverArgs({ ...base, durable: false })).toContain('--innodb-flush-log-at-trx-commit=0')
    expect(serverArgs({ ...base, durable: false })).toContain('--skip-innodb-doublewrite')
    expect(serverArgs({ ...base, durable: true }).join(' ')).not.toMatch(
      /flush-log-at-trx-commit|doublewrite/,
    )
  })

  it('puts the user directives last, so they win', () => {
    const args = serverArgs({ ...base, durable: false, config: { max_connections: 500, 'sql-mode': 'ANSI' } })
    expect(args.slice(-2)).toEqual(['--max_connections=500', '--sql-mode=ANSI'])
  })
})

describe('directiveFlag', () => {
  it('maps booleans the my.cnf way', () => {
    expect(directiveFlag('general-log', true)).toBe('--general-log')
    expect(directiveFlag('log-bin', false)).toBe('--skip-log-bin')
    expect(directiveFlag('wait_timeout', 10)).toBe('--wait_timeout=10')
  })
})
