import { describe, expect, it } from 'vitest'
import { formatRedisUrl, parseRedisUrl } from './client-factory.js'
import { parseClientList, parseInfo } from './server-info.js'

describe('parsers', () => {
  it('parses CLIENT LIST', () => {
    const text =
      'id=4 addr=127.0.0.1:46224 laddr=127.0.0.1:36849 fd=7 name=app age=3 idle=1 flags=N db=5 sub=1 psub=0 cmd=subscribe user=default\n' +
      'id=5 addr=127.0.0.1:46230 fd=8 name= age=0 idle=0 flags=N db=0 sub=0 psub=0 cmd=client|list user=default\n'
    const list = parseClientList(text)
    expect(list).toHaveLength(2)
    expect(list[0]).toMatchObject({ id: 4, name: 'app', db: 5, sub: 1, cmd: 'subscribe', age: 3 })
    expect(list[0]!.fields.laddr).toBe('127.0.0.1:36849')
    expect(list[1]!.name).toBe('')
  })

  it('parses INFO', () => {
    expect(
      parseInfo('# Replication\r\nrole:master\r\nconnected_slaves:1\r\n\r\n# CPU\r\nused_cpu_sys:0.1\r\n'),
    ).toEqual({
      role: 'master',
      connected_slaves: '1',
      used_cpu_sys: '0.1',
    })
  })

  it('formats and parses redis URLs', () => {
    expect(formatRedisUrl({ host: '127.0.0.1', port: 6379 })).toBe('redis://127.0.0.1:6379')
    expect(formatRedisUrl({ host: '127.0.0.1', port: 1, password: 'a b', db: 3 })).toBe(
      'redis://:a%20b@127.0.0.1:1/3',
    )
    expect(formatRedisUrl({ host: 'h', port: 1, username: 'u', password: 'p' })).toBe('redis://u:p@h:1')
    expect(parseRedisUrl('redis://u:p%40ss@example.com:7000/2')).toEqual({
      host: 'example.com',
      port: 7000,
      username: 'u',
      password: 'p@ss',
      db: 2,
    })
    expect(parseRedisUrl('redis://localhost')).toMatchObject({ port: 6379, db: 0, password: undefined })
    expect(parseRedisUrl('rediss://h:1')).toMatchObject({ tls: true })
    expect(formatRedisUrl({ host: 'h', port: 1, tls: true })).toBe('rediss://h:1')
  })
})

describe('parseSimpleReplies', () => {
  it('splits simple and bulk replies, waiting for incomplete ones', async () => {
    const { parseSimpleReplies } = await import('../node/resp-ping.js')
    const info = '# Server\r\nprocess_id:42\r\n'
    const full = `+OK\r\n+PONG\r\n$${info.length}\r\n${info}\r\n`
    expect(parseSimpleReplies(full, 3)).toEqual(['+OK', '+PONG', info])
    expect(parseSimpleReplies(full.slice(0, -5), 3)).toBeUndefined()
    expect(parseSimpleReplies('-LOADING x\r\n', 1)).toEqual(['-LOADING x'])
  })
})
