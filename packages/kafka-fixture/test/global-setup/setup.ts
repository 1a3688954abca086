import { kafkaGlobalSetup } from '../../src/vitest.js'

export default kafkaGlobalSetup({ brokers: 1 })
