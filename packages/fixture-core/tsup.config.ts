import { defineConfig } from 'tsup'

export default defineConfig({
  entry: { index: 'src/index.ts', 'watchdog-main': 'src/watchdog-main.mjs' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
})
