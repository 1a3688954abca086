import fs from 'node:fs'
import { packageConfig } from '@infra/tsup-config'

// The CLI and its API are ESM. './jest' is also CommonJS: Jest loads setup files and tests as CJS unless
// run with --experimental-vm-modules. The fixture packages are optional peers loaded on demand, so
// tsup leaves them (and everything else) external. Two builds in parallel: dist is emptied here.
fs.rmSync('dist', { recursive: true, force: true })

export default [
  packageConfig({
    entry: { index: 'src/index.ts', bin: 'src/bin.ts', jest: 'src/jest.ts' },
    format: ['esm'],
    clean: false,
  }),
  packageConfig({ entry: { jest: 'src/jest.ts' }, format: ['cjs'], clean: false }),
]
