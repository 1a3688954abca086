import { kafkaGlobalSetup } from '../../src/vitest.js'

export default kafkaGlobalSetup({ nodes: 1 })
