import { packageConfig } from '@infra/tsup-config'

export default packageConfig({ external: ['pg', '@infra/fixture-core'] })
