import { integrationConfig } from '@infra/vitest-config'

// The vitest integration as users wire it: a globalSetup starting one 3-node cluster for the run.
// Run by src/vitest.integration.test.ts (a nested vitest), not by the package's own configs.
const config = integrationConfig({ test: { globalSetup: ['test/global-setup/setup.ts'] } })
// replace (not merge with) the preset's include
config.test!.include = ['test/global-setup/**/*.gs-test.ts']
export default config
