import { EnvironmentError, UnsupportedOperationError } from '@infra/fixture-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClickHouse } from './clickhouse.js'
import { startClickHouse } from './start.js'

// a local server plays the "external" one (a CI service or a shared cluster running a current ClickHouse)
describe('external provider', () => {
  let owner: ClickHouse
  beforeAll(async () => {
    owner = await startClickHouse()
    await owner.client().command({ query: 'CREATE DATABASE keep_me' })
  })
  afterAll(async () => {
    await owner?.stop()
  })

  async function databases(): Promise<string[]> {
    const rs = await owner
      .client()
      .query({ query: 'SELECT name FROM system.databases', format: 'JSONEachRow' })
    return (await rs.json<{ name: string }>()).map((r) => r.name)
  }

  it('creates and drops only its own databases, and has no fault controls', async () => {
    const ext = await startClickHouse({ url: owner.url })
    expect(ext.provider).toBe('external')
    expect(ext.version).toBe(owner.version)
    const released = await ext.database()
    const kept = await ext.database()
    await released.release()
    expect(await databases()).not.toContain(released.name)
    expect(await databases()).toContain(kept.name)
    await expect(ext.kill()).rejects.toThrow(UnsupportedOperationError)
    await expect(ext.restart()).rejects.toThrow(UnsupportedOperationError)
    await ext.stop()
    // stop() dropped what it still held, and nothing else
    const after = await databases()
    expect(after).not.toContain(kept.name)
    expect(after).toEqual(expect.arrayContaining(['default', 'system', 'keep_me']))
  })

  it('INFRA_CLICKHOUSE_URL selects the external provider', async () => {
    process.env.INFRA_CLICKHOUSE_URL = owner.url
    try {
      await using ext = await startClickHouse()
      expect(ext.provider).toBe('external')
      expect(ext.env()).toEqual({ CLICKHOUSE_URL: owner.url })
    } finally {
      delete process.env.INFRA_CLICKHOUSE_URL
    }
  })

  it('an unreachable URL is an EnvironmentError naming it', async () => {
    const err = await startClickHouse({ url: 'http://default:x@127.0.0.1:1', startTimeoutMs: 2_000 }).catch(
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(EnvironmentError)
    expect((err as Error).message).toContain('127.0.0.1:1')
  })
})
