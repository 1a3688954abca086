// Soft check: every package's fixtures compose without type arguments, the way the contract shows it
// (services.test.ts does this for pg + redis as a hard check). Type errors here are a warning of the
// release test, not a failure.
import { kafkaFixtures } from '@infra/kafka-fixture/vitest'
import { pgFixtures } from '@infra/pg-fixture/vitest'
import { redisFixtures } from '@infra/redis-fixture/vitest'
import { wsFixtures } from '@infra/ws-harness/vitest'
import { test as baseTest } from 'vitest'

export const withWs = baseTest.extend(wsFixtures)
export const withKafka = baseTest.extend(kafkaFixtures)
export const test = baseTest.extend(pgFixtures).extend(redisFixtures).extend(wsFixtures)

test('composes without type arguments', async ({ pool, db, redis, wsServer, connect }) => {
  await pool.query('select 1')
  void db.name
  await redis.client().ping()
  const client = await connect(wsServer.url)
  client.sendJson({ hello: 'world' })
})

withKafka('kafka fixtures compose too', async ({ kafkaServer, topic }) => {
  const brokers: string[] = kafkaServer.brokers
  const name: string = topic.name
  void brokers
  void name
})
