// One server of each service for the whole run, their connection info provided to the workers.
import { clickhouseGlobalSetup } from '@infra/clickhouse-fixture/vitest'
import { etcdGlobalSetup } from '@infra/etcd-fixture/vitest'
import { influxGlobalSetup } from '@infra/influxdb-fixture/vitest'
import { mysqlGlobalSetup } from '@infra/mysql-fixture/vitest'
import { composeGlobalSetups, postgresGlobalSetup } from '@infra/pg-fixture/vitest'
import { redisGlobalSetup } from '@infra/redis-fixture/vitest'
import { toxiproxyGlobalSetup } from '@infra/toxiproxy-fixture/vitest'

export default composeGlobalSetups(
  postgresGlobalSetup(),
  redisGlobalSetup(),
  mysqlGlobalSetup(),
  etcdGlobalSetup(),
  clickhouseGlobalSetup(),
  influxGlobalSetup(),
  toxiproxyGlobalSetup(),
)
