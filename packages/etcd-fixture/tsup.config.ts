import { packageConfig } from '@infra/tsup-config'

// '.' is ESM + CJS; './vitest' is ESM only (package.json exports it with `import` alone). Both entries are
// built in one ESM build so they share chunks (one Etcd class for both); the CJS build has '.' alone.
// The build script empties dist first: the two builds run at once, so neither may clean.
export default [
  packageConfig({ entry: { index: 'src/index.ts', vitest: 'src/vitest.ts' }, format: ['esm'], clean: false }),
  packageConfig({ entry: { index: 'src/index.ts' }, format: ['cjs'], clean: false }),
]
