import { etcdGlobalSetup } from '../../src/vitest.js'

export default etcdGlobalSetup({ nodes: 3 })
