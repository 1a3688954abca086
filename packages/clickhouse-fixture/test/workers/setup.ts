import { clickhouseGlobalSetup } from '../../src/vitest.js'

export default clickhouseGlobalSetup({ migrations: `${import.meta.dirname}/migrations` })
