import { toxiproxyGlobalSetup } from '../../src/vitest.js'

export default toxiproxyGlobalSetup()
