// One PostgreSQL and one Redis for the whole run, their connection info provided to the workers.
import { composeGlobalSetups, postgresGlobalSetup } from '@infra/pg-fixture/vitest'
import { redisGlobalSetup } from '@infra/redis-fixture/vitest'

export default composeGlobalSetups(postgresGlobalSetup(), redisGlobalSetup())
