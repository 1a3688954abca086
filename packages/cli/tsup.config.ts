import { packageConfig } from '@infra/tsup-config'

// ESM only: a command-line tool and its small programmatic API. The fixture packages are optional peers,
// loaded with import() when a service is asked for, so tsup leaves them (and everything else) external.
export default packageConfig({ entry: { index: 'src/index.ts', bin: 'src/bin.ts' }, format: ['esm'] })
