// Compile-time check (tsc, not run): the three fixture sets compose without type arguments in any order.
import { pgFixtures } from '@infra/pg-fixture/vitest'
import { redisFixtures } from '@infra/redis-fixture/vitest'
import { wsFixtures } from '@infra/ws-harness/vitest'
import { test as baseTest } from 'vitest'

const orders = [
  baseTest.extend(pgFixtures).extend(redisFixtures).extend(wsFixtures),
  baseTest.extend(wsFixtures).extend(redisFixtures).extend(pgFixtures),
  baseTest.extend(redisFixtures).extend(wsFixtures).extend(pgFixtures),
]

for (const test of orders) {
  test('every fixture is typed', async ({ pgServer, db, pool, redisServer, redis, wsServer, connect }) => {
    const port: number = pgServer.port + redisServer.port + wsServer.port
    const names: string[] = [db.name, redis.key('k'), ...(await redis.keys('*'))]
    const idle: number = pool.idleCount
    const client = await connect(wsServer.url)
    const controls: Promise<void>[] = [pgServer.pause(), redisServer.resume(), wsServer.pause()]
    void [port, names, idle, client, controls]
  })
}

// @ts-expect-error the context is inferred, not `any`: a fixture nobody defined is an error
orders[0]('no such fixture', async ({ pg }) => void pg)
