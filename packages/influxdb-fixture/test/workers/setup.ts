import { influxGlobalSetup } from '../../src/vitest.js'

export default influxGlobalSetup({ retention: { duration: 'INF', name: 'trades' } })
