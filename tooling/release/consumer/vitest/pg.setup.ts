import { postgresGlobalSetup } from '@infra/pg-fixture/vitest'

export default postgresGlobalSetup()
