import fs from 'node:fs'
import { defineConfig } from 'tsup'

// The jar fetcher (pom + script) lives in tooling/kafka; the published package carries a copy in
// dist/kafka so outside teams can run `npx infra-kafka-fetch`.
function copyFetcher(): void {
  fs.mkdirSync('dist/kafka', { recursive: true })
  for (const f of ['pom.xml', 'fetch-jars.sh']) fs.copyFileSync(`../../tooling/kafka/${f}`, `dist/kafka/${f}`)
  fs.chmodSync('dist/kafka/fetch-jars.sh', 0o755)
}

export default defineConfig({
  entry: { index: 'src/index.ts', vitest: 'src/vitest.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  shims: true,
  external: ['vitest'],
  onSuccess: async () => copyFetcher(),
})
