import { integrationConfig } from '@infra/vitest-config'

export default integrationConfig()
