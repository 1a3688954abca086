import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { startMapPresenceApp } from './app.js'

async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

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
