import fs from 'node:fs'
import { packageConfig } from '@infra/tsup-config'

// The jar fetcher (pom + script) and the Java 25 fetcher live in tooling/kafka; the published package carries a copy in
// dist/kafka so outside teams can run `npx infra-kafka-fetch`.
function copyFetcher(): void {
  fs.mkdirSync('dist/kafka', { recursive: true })
  for (const f of ['pom.xml', 'fetch-jars.sh', 'fetch-java.sh']) {
    fs.copyFileSync(`../../tooling/kafka/${f}`, `dist/kafka/${f}`)
  }
  fs.chmodSync('dist/kafka/fetch-jars.sh', 0o755)
  fs.chmodSync('dist/kafka/fetch-java.sh', 0o755)
}

// '.' is ESM + CJS; './vitest' is ESM only (vitest loads test files as ESM, and a CJS build of it could never
// load: vitest refuses require()). One ESM build of both entries shares its chunks, so a class from '.' and
// from './vitest' is the same class. `build` empties dist first (the two builds run side by side).
export default [
  packageConfig({ format: ['esm'], clean: false, onSuccess: async () => copyFetcher() }),
  packageConfig({ entry: { index: 'src/index.ts' }, format: ['cjs'], clean: false }),
]
