// Compile-time check (tsc): kafkaFixtures composes with vitest's own test and the other @infra fixture sets
// without type arguments, in any order. Not run.
import { type PgFixtures, pgFixtures } from '@infra/pg-fixture/vitest'
import { type RedisFixtures, redisFixtures } from '@infra/redis-fixture/vitest'
import { test as base } from 'vitest'
import {
  createKafkaFixtures,
  type KafkaFixture,
  type KafkaFixtureDefinitions,
  type KafkaFixtures,
  kafkaFixtures,
  test,
} from '../src/vitest.js'

const services = base.extend(pgFixtures).extend(redisFixtures).extend(kafkaFixtures)
const kafkaFirst = base.extend(kafkaFixtures).extend(redisFixtures).extend(pgFixtures)
const withValues = base.extend({ answer: 42 }).extend(createKafkaFixtures({ nodes: 3 }))
const onTop = test.extend(pgFixtures)

for (const t of [services, kafkaFirst]) {
  t('types flow through', async ({ kafkaServer, topic, pgServer, db, pool, redisServer, redis }) => {
    const kafka: KafkaFixtures = { kafkaServer, topic }
    const pg: PgFixtures = { pgServer, db, pool }
    const r: RedisFixtures = { redisServer, redis }
    const brokers: string[] = kafkaServer.brokers
    await kafkaServer.pauseBroker(1)
    await kafkaServer.resume()
    void [kafka, pg, r, brokers]
  })
}

withValues('plain values compose too', async ({ answer, kafkaServer, topic }) => {
  const n: number = answer
  const server: KafkaFixture = kafkaServer
  const name: string = topic.name
  void [n, server, name]
})

onTop('the ready test extends further', async ({ kafkaServer, db }) => {
  void [kafkaServer.connectionInfo.version, db.url]
})

// the controls are promises (awaitable alike in every @infra fixture)
export type Controls = [
  ReturnType<KafkaFixture['pause']>,
  ReturnType<KafkaFixture['resume']>,
  ReturnType<KafkaFixture['pauseBroker']>,
  ReturnType<KafkaFixture['resumeBroker']>,
  ReturnType<KafkaFixture['kill']>,
  ReturnType<KafkaFixture['restart']>,
]
export const controls: Controls extends Promise<void>[] ? true : never = true

// @ts-expect-error the old name of the server fixture is gone
export const oldName: KafkaFixtureDefinitions['kafka'] = undefined
