import { redisGlobalSetup } from '@infra/redis-fixture/vitest'

export default redisGlobalSetup()
