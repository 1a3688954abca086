import { packageConfig } from '@infra/tsup-config'

export default packageConfig({ external: ['mysql2', '@infra/fixture-core'] })
