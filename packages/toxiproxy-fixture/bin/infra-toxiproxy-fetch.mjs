#!/usr/bin/env node
// Builds the Toxiproxy server @infra/toxiproxy-fixture runs with `go install` from the Go module proxy
// into the fixtures cache (needs Go). Usage: infra-toxiproxy-fetch [version]
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const script = fileURLToPath(new URL('../dist/toxiproxy/build-server.sh', import.meta.url))
const result = spawnSync('bash', [script, ...process.argv.slice(2)], { stdio: 'inherit' })
if (result.error) {
  console.error(`infra-toxiproxy-fetch: could not run bash ${script}: ${result.error.message}`)
  process.exit(1)
}
process.exit(result.status ?? 1)
