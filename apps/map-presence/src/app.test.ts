import { describe, expect, it } from 'vitest'
import { closedPort } from '../test/support/closed-port.js'
import { startMapPresenceApp } from './app.js'

describe('startMapPresenceApp', () => {
  it('fails fast when the database is unreachable, instead of serving 503s from the start', async () => {
    const port = await closedPort()
    await expect(
      startMapPresenceApp({
        databaseUrl: `postgres://nobody@127.0.0.1:${port}/nothing`,
        redisUrl: `redis://127.0.0.1:${port}`,
        onError: () => {},
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' })
  })
})
