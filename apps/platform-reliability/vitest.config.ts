import { unitConfig } from '@infra/vitest-config'

export default unitConfig()
