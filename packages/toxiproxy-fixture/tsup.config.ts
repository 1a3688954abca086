import fs from 'node:fs'
import { packageConfig } from '@infra/tsup-config'

// The server build script lives in tooling/toxiproxy; the published package carries a copy in
// dist/toxiproxy so outside teams can run `npx infra-toxiproxy-fetch`.
function copyBuilder(): void {
  fs.mkdirSync('dist/toxiproxy', { recursive: true })
  fs.copyFileSync('../../tooling/toxiproxy/build-server.sh', 'dist/toxiproxy/build-server.sh')
  fs.chmodSync('dist/toxiproxy/build-server.sh', 0o755)
}

// '.' is ESM + CJS; './vitest' is ESM only (vitest 4 is ESM only). Both ESM entries are built together so
// that the classes they share come from one chunk (instanceof works across entries).
export default [
  packageConfig({ entry: { index: 'src/index.ts', vitest: 'src/vitest.ts' }, format: ['esm'], clean: false }),
  packageConfig({
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    clean: false,
    onSuccess: async () => copyBuilder(),
  }),
]
