// Named exports the consumer checks require, per package and subpath, beyond "at least one export".
// '.' is checked with import and require in plain Node; './vitest' under the vitest runner.
export const EXPECTED_EXPORTS = {
  '@infra/pg-fixture': {
    '.': ['startPostgres', 'connectPostgres', 'Postgres'],
    './vitest': ['postgresGlobalSetup', 'pgFixtures', 'createPgFixtures', 'composeGlobalSetups', 'test'],
  },
  '@infra/redis-fixture': {
    '.': ['startRedis', 'connectRedis', 'RedisServer'],
    './vitest': ['redisGlobalSetup', 'redisFixtures', 'createRedisFixtures', 'composeGlobalSetups', 'test'],
  },
  '@infra/kafka-fixture': {
    '.': ['startKafka', 'connectKafka', 'KafkaFixture'],
    './vitest': ['kafkaGlobalSetup', 'kafkaFixtures', 'createKafkaFixtures', 'composeGlobalSetups', 'test'],
  },
  '@infra/ws-harness': {
    '.': ['startWsServer', 'connect', 'connectMany', 'WsClient', 'WsServer'],
    './vitest': ['wsGlobalSetup', 'wsFixtures', 'composeGlobalSetups', 'test'],
  },
}
