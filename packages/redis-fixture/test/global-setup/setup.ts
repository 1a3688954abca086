import { redisGlobalSetup } from '../../src/vitest.js'

export default redisGlobalSetup({ databases: 32 })
