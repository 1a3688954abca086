import { describe, expect, it } from 'vitest'
import { UnknownServiceError, UsageError } from '../errors.js'
import { findKind, parseServiceArg } from './request.js'

describe('parseServiceArg', () => {
  it('takes names and aliases', () => {
    expect(parseServiceArg('pg').kind.name).toBe('pg')
    expect(parseServiceArg('postgres').kind.packageName).toBe('@infra/pg-fixture')
    expect(parseServiceArg('MariaDB').kind.name).toBe('mysql')
  })

  it('turns name:N into a cluster of N nodes', () => {
    const r = parseServiceArg('kafka:3')
    expect(r).toMatchObject({ name: 'kafka:3', options: { nodes: 3 } })
    expect(r.kind.name).toBe('kafka')
    expect(parseServiceArg('etcd:3').options).toEqual({ nodes: 3 })
  })

  it('rejects a node count on a single server and a bad count', () => {
    expect(() => parseServiceArg('redis:3')).toThrow(/only kafka and etcd take a node count/)
    expect(() => parseServiceArg('kafka:0')).toThrow(UsageError)
    expect(() => parseServiceArg('kafka:x')).toThrow(/number from 1 to 9/)
  })

  it('takes a server version after @, with or without a node count', () => {
    expect(parseServiceArg('pg@16').options).toEqual({ version: 16 })
    expect(parseServiceArg('redis@7.0').options).toEqual({ version: '7.0' })
    expect(parseServiceArg('kafka@3.9.2:3')).toMatchObject({
      name: 'kafka@3.9.2:3',
      options: { version: '3.9.2', nodes: 3 },
    })
    expect(parseServiceArg('kafka@3.9.2:3').kind.name).toBe('kafka')
  })

  it('rejects a version on a service without a version choice, and an empty or odd one', () => {
    expect(() => parseServiceArg('etcd@3.4')).toThrow(/only pg, redis, kafka take '@version'/)
    expect(() => parseServiceArg('pg@')).toThrow(/version after '@' must look like/)
    expect(() => parseServiceArg('pg@x;1')).toThrow(UsageError)
  })

  it('names the nearest service when one is unknown', () => {
    expect(() => findKind('postgress')).toThrow(UnknownServiceError)
    expect(() => findKind('postgress')).toThrow(/Did you mean 'postgres'\?/)
    expect(() => findKind('zookeeper')).toThrow(/Known services: pg, redis, kafka/)
  })
})
