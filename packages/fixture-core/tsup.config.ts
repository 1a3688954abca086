import { packageConfig } from '@infra/tsup-config'

// the watchdog runs as its own process: an entry of its own, plain JavaScript
export default packageConfig({ entry: { index: 'src/index.ts', 'watchdog-main': 'src/watchdog-main.mjs' } })
