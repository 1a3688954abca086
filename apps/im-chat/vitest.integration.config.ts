import { integrationConfig } from '@infra/vitest-config'

// One MariaDB (migrated template) and one Redis for the run (global setup), a database and a Redis DB per
// test. The failover files (etcd 3 nodes, Kafka 3 brokers, Redis Sentinel, Toxiproxy) start their own cluster
// once per file and share it across the file's tests, each test in its own key prefix / topic / group.
export default integrationConfig({
  test: {
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
