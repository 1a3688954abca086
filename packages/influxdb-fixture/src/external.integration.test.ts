import { EnvironmentError, UnsupportedOperationError } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InfluxDB } from './influxdb.js'
import { startInfluxDB } from './start.js'

// a local server plays the "external" one (a CI service or a shared server)
describe('external provider', () => {
  let owner: InfluxDB
  beforeAll(async () => {
    owner = await startInfluxDB()
    await owner.query('CREATE DATABASE keep_me')
  })
  afterAll(async () => {
    await owner?.stop()
  })

  const databases = async () => (await owner.query<{ name: string }>('SHOW DATABASES')).map((r) => r.name)

  it('creates and drops only its own databases, and has no fault controls', async () => {
    const ext = await startInfluxDB({ url: owner.url })
    expect(ext.provider).toBe('external')
    expect(ext.version).toBe(owner.version)
    const released = await ext.database()
    const kept = await ext.database()
    await kept.write('m v=1')
    await released.release()
    expect(await databases()).not.toContain(released.name)
    expect(await databases()).toContain(kept.name)
    await expect(ext.kill()).rejects.toThrow(UnsupportedOperationError)
    await expect(ext.pause()).rejects.toThrow(UnsupportedOperationError)
    await ext.stop()
    const after = await databases()
    expect(after).not.toContain(kept.name)
    expect(after).toContain('keep_me')
  })

  it('INFRA_INFLUXDB_URL selects the external provider', async () => {
    process.env.INFRA_INFLUXDB_URL = owner.url
    try {
      await using ext = await startInfluxDB()
      expect(ext.provider).toBe('external')
      expect(ext.env()).toEqual({ INFLUXDB_URL: owner.url })
    } finally {
      delete process.env.INFRA_INFLUXDB_URL
    }
  })

  it('an unreachable URL is an EnvironmentError naming it', async () => {
    const err = await startInfluxDB({ url: 'http://127.0.0.1:1', startTimeoutMs: 2_000 }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(EnvironmentError)
    expect((err as Error).message).toContain('127.0.0.1:1')
  })
})
