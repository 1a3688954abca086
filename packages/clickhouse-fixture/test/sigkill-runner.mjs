// A test runner stand-in: starts a server, prints its pid and run dir, then waits to be SIGKILLed.
// Used by src/leak.integration.test.ts.
import { startClickHouse } from '../dist/index.js'

const ch = await startClickHouse()
await ch.database()
process.stdout.write(`${JSON.stringify({ pid: ch.pid, dir: ch.dataDir })}\n`)
setInterval(() => {}, 1_000)
