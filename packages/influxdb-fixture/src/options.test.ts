import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { startInfluxDB } from './start.js'

// each of these throws before anything starts
async function rejection(options: unknown): Promise<InvalidOptionsError> {
  const err = await startInfluxDB(options as never).catch((e: unknown) => e)
  expect(err).toBeInstanceOf(InvalidOptionsError)
  return err as InvalidOptionsError
}

describe('startInfluxDB options', () => {
  it('an unknown key throws, naming the nearest option', async () => {
    const err = await rejection({ retentoin: {} })
    expect(err.message).toContain("Did you mean 'retention'?")
    expect((await rejection({ retention: { durration: '1h' } })).message).toContain(
      "Did you mean 'duration'?",
    )
  })

  it('bad values throw', async () => {
    expect((await rejection({ port: 70000 })).message).toMatch(/port/)
    expect((await rejection({ url: 'influx://x' })).message).toMatch(/http/)
    expect((await rejection({ retention: { duration: 'forever' } })).message).toMatch(/retention\.duration/)
    expect((await rejection({ retention: { name: 'a b' } })).message).toMatch(/identifier/)
    expect((await rejection({ stopGraceMs: Number.NaN })).message).toMatch(/stopGraceMs/)
  })

  it('config may not move binds or directories, nor turn reporting or the monitor store on', async () => {
    expect((await rejection({ config: { 'bind-address': ':8088' } })).message).toContain(
      "config.bind-address'",
    )
    expect((await rejection({ config: { http: { 'bind-address': ':8086' } } })).message).toContain(
      'config.http.bind-address',
    )
    expect((await rejection({ config: { data: { 'wal-dir': '/var/lib/influxdb/wal' } } })).message).toContain(
      'config.data.wal-dir',
    )
    expect((await rejection({ config: { 'reporting-disabled': false } })).message).toContain('reporting')
    expect((await rejection({ config: { data: { x: [1] } } })).message).toContain('config.data.x')
  })
})
