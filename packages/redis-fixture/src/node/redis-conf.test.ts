import { describe, expect, it } from 'vitest'
import { buildServerConf, confLine, quoteConfArg } from './redis-conf.js'

describe('redis.conf generation', () => {
  it('quotes only what needs quoting', () => {
    expect(quoteConfArg('allkeys-lru')).toBe('allkeys-lru')
    expect(quoteConfArg('')).toBe('""')
    expect(quoteConfArg('two words')).toBe('"two words"')
    expect(quoteConfArg('a"b\\c')).toBe('"a\\"b\\\\c"')
    expect(quoteConfArg(true)).toBe('yes')
    expect(confLine('maxclients', 5)).toBe('maxclients 5')
  })

  it('defaults: loopback, no daemon, no persistence, 256 databases', () => {
    const conf = buildServerConf({ port: 1234, dir: '/tmp/x' })
    expect(conf).toContain('port 1234\n')
    expect(conf).toContain('bind 127.0.0.1\n')
    expect(conf).toContain('daemonize no\n')
    expect(conf).toContain('save ""\n')
    expect(conf).toContain('appendonly no\n')
    expect(conf).toContain('databases 256\n')
    expect(conf).toContain('dir /tmp/x\n')
    expect(conf).toContain('appenddirname appendonlydir\n')
  })

  it('Redis 6 gets no appenddirname (a 7.0 directive it would refuse)', () => {
    const conf = buildServerConf({ port: 1, dir: '/d', major: 6 })
    expect(conf).not.toContain('appenddirname')
    expect(conf).toContain('appendfilename appendonly.aof\n')
  })

  it('persistence, auth, limits and extra directives', () => {
    const rdb = buildServerConf({ port: 1, dir: '/d', persistence: 'rdb' })
    expect(rdb).toContain('save 3600 1 300 100 60 10000\n')
    const aof = buildServerConf({ port: 1, dir: '/d', persistence: 'aof', appendfsync: 'always' })
    expect(aof).toContain('appendonly yes\n')
    expect(aof).toContain('appendfsync always\n')
    const conf = buildServerConf({
      port: 1,
      dir: '/d',
      password: 'p w',
      users: [{ name: 'reader', password: 'r', rules: '~* +@read' }],
      maxmemory: '2mb',
      maxmemoryPolicy: 'allkeys-lfu',
      maxclients: 7,
      config: { 'notify-keyspace-events': 'Ex' },
    })
    expect(conf).toContain('requirepass "p w"\n')
    expect(conf).toContain('user reader on >r ~* +@read\n')
    expect(conf).toContain('maxmemory 2mb\n')
    expect(conf).toContain('maxmemory-policy allkeys-lfu\n')
    expect(conf).toContain('maxclients 7\n')
    expect(conf).toContain('notify-keyspace-events Ex\n')
  })
})
