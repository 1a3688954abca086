// Named exports the consumer checks require, per package and subpath (beyond "at least one export").
// Kept to the fixture contract's entry points; each package's own tests cover the rest.
export const EXPECTED_EXPORTS = {
  '@infra/pg-fixture': { '.': ['startPostgres'], './vitest': [] },
  '@infra/redis-fixture': { '.': ['startRedis'], './vitest': [] },
  '@infra/kafka-fixture': { '.': ['startKafka'], './vitest': [] },
  '@infra/ws-harness': { '.': [], './vitest': [] },
}
