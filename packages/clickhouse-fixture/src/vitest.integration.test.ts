import { describe, expect } from 'vitest'
import { test } from './vitest.js'

// no global setup in this config: the worker starts its own server on first use
const seen: string[] = []

describe('./vitest without a global setup', () => {
  test('a worker-scoped server and a database per test', async ({ clickhouse, clickhouseServer }) => {
    expect(clickhouseServer.provider).toBe('local')
    expect(clickhouse.url.startsWith(clickhouseServer.url)).toBe(true)
    await clickhouse.command('CREATE TABLE t (x UInt8) ENGINE = Memory')
    seen.push(`${clickhouseServer.port}/${clickhouse.name}`)
  })

  test('the next test: same server, another database (the last one is gone)', async ({
    clickhouse,
    clickhouseServer,
  }) => {
    const [port, previous] = seen[0]!.split('/')
    expect(String(clickhouseServer.port)).toBe(port)
    expect(clickhouse.name).not.toBe(previous)
    expect(await clickhouse.query('EXISTS TABLE t')).toEqual([{ result: 0 }])
    const rows = await clickhouse.query(
      `SELECT count() AS n FROM system.databases WHERE name = '${previous}'`,
    )
    expect(rows).toEqual([{ n: '0' }])
  })
})
