import { integrationConfig } from '@infra/vitest-config'

// The vitest integration as users wire it: a globalSetup starting one broker for the run.
const config = integrationConfig({ test: { globalSetup: ['test/global-setup/setup.ts'] } })
// replace (not merge with) the preset's include
config.test!.include = ['test/global-setup/**/*.gs-test.ts']
export default config
