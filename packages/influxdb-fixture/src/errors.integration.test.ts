import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InfluxDBError } from './errors.js'
import type { InfluxDB } from './influxdb.js'
import { startInfluxDB } from './start.js'

describe('server errors arrive typed, with the server’s text', () => {
  let influx: InfluxDB
  beforeAll(async () => {
    influx = await startInfluxDB()
  })
  afterAll(async () => {
    await influx?.stop()
  })

  async function caught(p: Promise<unknown>): Promise<InfluxDBError> {
    const err = await p.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InfluxDBError)
    return err as InfluxDBError
  }

  it('bad InfluxQL: the parser’s message, HTTP 400', async () => {
    await using db = await influx.database()
    const err = await caught(db.query('SELEC * FROM trade'))
    expect(err.operation).toBe('query')
    expect(err.status).toBe(400)
    expect(err.serverMessage).toMatch(/^error parsing query: found SELEC, expected SELECT/)
    expect(err.statement).toBe('SELEC * FROM trade')
  })

  it('a failing statement among several: its own error', async () => {
    const err = await caught(influx.query('SHOW DATABASES; SELECT * FROM m', { db: 'no_such_db' }))
    expect(err.serverMessage).toBe('database not found: no_such_db')
  })

  it('bad line protocol: the parser’s message and the first line', async () => {
    await using db = await influx.database()
    const err = await caught(db.write(['ok v=1', 'bad line']))
    expect(err.operation).toBe('write')
    expect(err.status).toBe(400)
    expect(err.serverMessage).toContain("unable to parse 'bad line'")
    expect(err.statement).toBe('ok v=1')
  })

  it('a field type conflict: the server’s explanation', async () => {
    await using db = await influx.database()
    await db.write('m v=1i')
    const err = await caught(db.write('m v="text"'))
    expect(err.serverMessage).toMatch(/field type conflict/)
  })
})
