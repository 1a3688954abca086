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
  '@infra/mysql-fixture': {
    '.': ['startMysql', 'attachMysql', 'Mysql', 'MigrationError', 'InvalidOptionsError'],
    './vitest': ['mysqlGlobalSetup', 'mysqlFixtures', 'createMysqlFixtures', 'composeGlobalSetups', 'test'],
  },
  '@infra/etcd-fixture': {
    '.': ['startEtcd', 'connectEtcd', 'Etcd', 'parseEndpoints', 'InvalidOptionsError'],
    './vitest': ['etcdGlobalSetup', 'etcdFixtures', 'createEtcdFixtures', 'composeGlobalSetups', 'test'],
  },
  '@infra/toxiproxy-fixture': {
    '.': ['startToxiproxy', 'connectToxiproxy', 'Toxiproxy', 'ToxiproxyScope', 'Link', 'Toxic'],
    './vitest': [
      'toxiproxyGlobalSetup',
      'toxiproxyFixtures',
      'createToxiproxyFixtures',
      'composeGlobalSetups',
      'test',
    ],
  },
  '@infra/clickhouse-fixture': {
    '.': ['startClickHouse', 'connectClickHouse', 'ClickHouse', 'ClickHouseDatabase', 'ClickHouseQueryError'],
    './vitest': [
      'clickhouseGlobalSetup',
      'clickhouseFixtures',
      'createClickHouseFixtures',
      'composeGlobalSetups',
      'test',
    ],
  },
  '@infra/influxdb-fixture': {
    '.': ['startInfluxDB', 'connectInfluxDB', 'InfluxDB', 'InfluxDatabase', 'InfluxDBError'],
    './vitest': [
      'influxGlobalSetup',
      'influxFixtures',
      'createInfluxFixtures',
      'composeGlobalSetups',
      'test',
    ],
  },
}
