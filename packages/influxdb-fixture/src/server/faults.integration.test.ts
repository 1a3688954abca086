import fs from 'node:fs'
import { FixtureStateError, isPidAlive } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { startInfluxDB } from '../start.js'

describe('fault controls', () => {
  it('kill() crashes the server; acknowledged writes come back with restart() from the WAL', async () => {
    await using influx = await startInfluxDB()
    const db = await influx.database()
    await db.write(['fill,sym=A qty=1i 1700000000000000001', 'fill,sym=A qty=2i 1700000000000000002'])
    const pid = influx.pid!
    await influx.kill()
    expect(isPidAlive(pid)).toBe(false)
    await expect(db.query('SELECT * FROM fill')).rejects.toThrow()
    await influx.restart()
    expect(influx.pid).not.toBe(pid)
    expect((await db.query('SELECT qty FROM fill')).map((r) => [r.time, r.qty])).toEqual([
      [1_700_000_000_000_000_001n, 1],
      [1_700_000_000_000_000_002n, 2],
    ])
  })

  it('data written before a graceful restart() survives it, on the same url', async () => {
    await using influx = await startInfluxDB()
    await using db = await influx.database({ name: 'keep' })
    await db.write(
      Array.from({ length: 500 }, (_, i) => `m,k=${i % 5} v=${i} ${1_700_000_000_000_000_000n + BigInt(i)}`),
    )
    const url = influx.url
    await influx.restart()
    expect(influx.url).toBe(url)
    expect(await db.query('SELECT count(v) AS n, sum(v) AS s FROM m')).toEqual([
      { measurement: 'm', time: 0n, n: 500, s: (499 * 500) / 2 },
    ])
    expect(await db.query('SHOW RETENTION POLICIES')).toMatchObject([{ name: 'keep', default: true }])
  })

  it('pause() makes requests hang until resume()', async () => {
    await using influx = await startInfluxDB()
    await influx.pause()
    const ping = (ms: number) => fetch(`${influx.url}/ping`, { signal: AbortSignal.timeout(ms) })
    await expect(ping(300)).rejects.toThrow()
    await influx.resume()
    expect((await ping(5_000)).status).toBe(204)
  })

  it('stop() is idempotent, removes the run dir, and later calls are FixtureStateError', async () => {
    const influx = await startInfluxDB()
    const dir = influx.dataDir!
    const pid = influx.pid!
    const db = await influx.database()
    await db.write('m v=1')
    // meta, data and WAL live in the run dir
    for (const sub of ['meta', 'data', 'wal']) expect(fs.existsSync(`${dir}/${sub}/`), sub).toBe(true)
    await Promise.all([influx.stop(), influx.stop()])
    await influx.stop()
    expect(isPidAlive(pid)).toBe(false)
    expect(fs.existsSync(dir)).toBe(false)
    await expect(influx.database()).rejects.toThrow(FixtureStateError)
    await expect(influx.restart()).rejects.toThrow(FixtureStateError)
    await expect(influx.query('SHOW DATABASES')).rejects.toThrow(FixtureStateError)
  })
})
