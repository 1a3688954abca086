import { describe, expect } from 'vitest'
import { test } from './vitest.js'

// no global setup in this config: the worker starts its own server on first use
const seen: string[] = []

describe('./vitest without a global setup', () => {
  test('a worker-scoped server and a database per test', async ({ influx, influxServer }) => {
    expect(influxServer.provider).toBe('local')
    expect(influx.url).toBe(influxServer.url)
    await influx.write('m v=1 1')
    seen.push(`${influxServer.port}/${influx.name}`)
  })

  test('the next test: same server, another database (the last one is gone)', async ({
    influx,
    influxServer,
  }) => {
    const [port, previous] = seen[0]!.split('/')
    expect(String(influxServer.port)).toBe(port)
    expect(influx.name).not.toBe(previous)
    expect(await influx.query('SELECT * FROM m')).toEqual([])
    const names = (await influxServer.query<{ name: string }>('SHOW DATABASES')).map((r) => r.name)
    expect(names).not.toContain(previous)
  })
})
