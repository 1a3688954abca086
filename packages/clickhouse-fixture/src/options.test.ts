import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { startClickHouse } from './start.js'

// each of these throws before anything starts
async function rejection(options: unknown): Promise<InvalidOptionsError> {
  const err = await startClickHouse(options as never).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(InvalidOptionsError)
  return err as InvalidOptionsError
}

describe('startClickHouse options', () => {
  it('an unknown key throws, naming the nearest option', async () => {
    const err = await rejection({ prot: 8123 })
    expect(err.message).toMatch(/'prot' is not an option of startClickHouse\(\)|'prot'.*not an option/)
    expect(err.message).toContain("Did you mean 'port'?")
  })

  it('bad values throw', async () => {
    expect((await rejection({ port: 0 })).message).toMatch(/port/)
    expect((await rejection({ provider: 'docker' })).message).toMatch(/provider/)
    expect((await rejection({ url: 'clickhouse://x' })).message).toMatch(/http/)
    expect((await rejection({ migrations: 42 })).message).toMatch(/migrations/)
    expect((await rejection({ startTimeoutMs: -1 })).message).toMatch(/startTimeoutMs/)
    expect((await rejection({ config: [] })).message).toMatch(/config/)
  })

  it('config may not move paths or ports; users may not set the default password', async () => {
    expect((await rejection({ config: { path: '/var/lib/clickhouse' } })).message).toContain('config.path')
    expect((await rejection({ config: { http_port: 8123 } })).message).toContain('config.http_port')
    expect((await rejection({ config: { 'a b': 1 } })).message).toContain('not an XML element name')
    expect((await rejection({ users: { users: { default: { password: 'x' } } } })).message).toContain(
      'users.users.default.password',
    )
  })
})
