import fs from 'node:fs'
import { packageConfig } from '@infra/tsup-config'

// The jar fetcher (pom + script) lives in tooling/kafka; the published package carries a copy in
// dist/kafka so outside teams can run `npx infra-kafka-fetch`.
function copyFetcher(): void {
  fs.mkdirSync('dist/kafka', { recursive: true })
  for (const f of ['pom.xml', 'fetch-jars.sh']) fs.copyFileSync(`../../tooling/kafka/${f}`, `dist/kafka/${f}`)
  fs.chmodSync('dist/kafka/fetch-jars.sh', 0o755)
}

export default packageConfig({ onSuccess: async () => copyFetcher() })
