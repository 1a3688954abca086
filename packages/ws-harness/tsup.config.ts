import { packageConfig } from '@infra/tsup-config'

// '.' is ESM + CJS; './vitest' is ESM only (a CJS build of it could never load: vitest refuses require()).
// One ESM build of both entries shares its chunks, so a class from '.' and from './vitest' is the same class.
// `build` empties dist first (the two builds run side by side).
export default [
  packageConfig({ format: ['esm'], clean: false }),
  packageConfig({ entry: { index: 'src/index.ts' }, format: ['cjs'], clean: false }),
]
