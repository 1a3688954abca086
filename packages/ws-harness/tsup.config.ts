import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', vitest: 'src/vitest.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
  external: ['vitest'],
  // one shared chunk for both entries in CJS too, so classes (instanceof) are the same from '.' and './vitest'
  splitting: true,
})
