import fs from 'node:fs'
import { packageConfig } from '@infra/tsup-config'

// './vitest' is ESM only: vitest itself cannot be require()d, so a CJS build of it could never load.
// One ESM build holds both entries (shared chunks: `RedisServer` is the same class from '.' and './vitest');
// the CJS build holds '.' alone. The two builds run in parallel, so neither cleans: dist is emptied here.
fs.rmSync('dist', { recursive: true, force: true })

export default [
  packageConfig({ format: ['esm'], clean: false }),
  packageConfig({ format: ['cjs'], entry: { index: 'src/index.ts' }, clean: false }),
]
