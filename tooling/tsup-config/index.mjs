// The build every published @infra package shares: ESM + CJS + .d.ts for Node 20, one shared chunk
// per package in both formats (so a class exported from '.' and './vitest' is the same class and
// `instanceof` works across entries), vitest never bundled.
import { defineConfig } from 'tsup'

const defaults = {
  entry: { index: 'src/index.ts', vitest: 'src/vitest.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
  splitting: true,
}

/** tsup options for a published package; `overrides` replace defaults, `external` is added to vitest. */
export function packageConfig(overrides = {}) {
  const { external = [], ...rest } = overrides
  return defineConfig({ ...defaults, ...rest, external: ['vitest', ...external] })
}
