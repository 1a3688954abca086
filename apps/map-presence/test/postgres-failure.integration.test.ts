// Beyond the seed: the database side of error handling. When Postgres drops the app's connections (a
// failover, a restart, pg_terminate_backend) or is down, requests fail with 503 + Retry-After — never a
// 500, never a hang — and the connection pool heals by itself when Postgres is back, with nothing lost.
import { type Postgres, startPostgres } from '@infra/pg-fixture'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { migrationsDir } from '../src/index.js'
import { expectStatus } from './support/api-client.js'
import { test } from './support/map-test.js'

// the kill test needs a server of its own: killing the run's shared one would break the other worker.
// `durable: true`: test servers run with synchronous_commit=off, so a SIGKILL would lose the last
// committed rows — here the point is that committed data survives the crash.
let ownPostgres: Postgres

beforeAll(async () => {
  ownPostgres = await startPostgres({ provider: 'local', migrations: migrationsDir, durable: true })
})

afterAll(async () => {
  await ownPostgres?.stop()
})

describe('error handling: Postgres failures', () => {
  test('terminated connections give 503 at worst, then the app serves again with its data intact', async ({
    api,
    pgServer: server,
    db,
  }) => {
    await api.map('atoll')
    const diver = await api.session('diver', 'atoll', 1, 1)
    await Promise.all(Array.from({ length: 6 }, () => api.getSession(diver.id))) // several pooled connections

    expect(await server.terminateConnections(db.name)).toBeGreaterThan(0)

    const statuses: number[] = []
    for (let attempt = 0; attempt < 8; attempt++) statuses.push((await api.getSession(diver.id)).status)
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([])

    await expect.poll(async () => (await api.move(diver.id, 2, 2)).status, { timeout: 15_000 }).toBe(200)
    const read = expectStatus(await api.getSession(diver.id), 200)
    expect(read.session).toMatchObject({ userId: 'diver', mapId: 'atoll', lat: 2, lng: 2 })
  })

  test('Postgres killed: 503 with Retry-After and health "unavailable"; after a restart everything is back', async ({
    startApp,
  }) => {
    await using database = await ownPostgres.database()
    const { app, api } = await startApp({ databaseUrl: database.url })
    await api.map('reef')
    const fish = await api.session('fish', 'reef', 3, 4)

    await ownPostgres.kill()
    const response = await fetch(`${app.url}/sessions/${fish.id}/move`, {
      method: 'POST',
      body: JSON.stringify({ lat: 5, lng: 5 }),
    })
    expect(response.status).toBe(503)
    expect(response.headers.get('retry-after')).toBe('1')
    expect(await response.json()).toEqual({
      error: { code: 'database_unavailable', message: 'the database is unavailable' },
    })
    expect((await api.createSession({ userId: 'crab', mapId: 'reef', lat: 0, lng: 0 })).status).toBe(503)
    expect(await api.health()).toMatchObject({
      status: 503,
      body: { status: 'unavailable', database: 'unavailable' },
    })

    await ownPostgres.restart()
    await expect.poll(async () => (await api.health()).status, { timeout: 15_000 }).toBe(200)
    expect(expectStatus(await api.getSession(fish.id), 200).session).toMatchObject({
      lat: 3,
      lng: 4,
      moveSeq: 0,
    })
    expect(expectStatus(await api.move(fish.id, 5, 5), 200).session.moveSeq).toBe(1)
    expect(app.presenceStatus()).toBe('ok') // Redis was never affected
    await app.close() // before the database is dropped
  })
})
