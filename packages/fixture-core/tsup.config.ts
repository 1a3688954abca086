import { packageConfig } from '@infra/tsup-config'

// the watchdog runs as its own process: an entry of its own, plain JavaScript (no declarations)
export default packageConfig({
  entry: {
    index: 'src/index.ts',
    vitest: 'src/vitest.ts',
    'watchdog-main': 'src/watchdog/watchdog-main.mjs',
  },
  dts: { entry: { index: 'src/index.ts', vitest: 'src/vitest.ts' } },
})
