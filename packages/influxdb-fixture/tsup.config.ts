import { packageConfig } from '@infra/tsup-config'

export default packageConfig()
