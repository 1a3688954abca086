// A test runner stand-in: starts a server, prints its pid and run dir, then waits to be SIGKILLed.
// Used by src/leak.integration.test.ts.
import { startInfluxDB } from '../dist/index.js'

const influx = await startInfluxDB()
const db = await influx.database()
await db.write('m v=1')
process.stdout.write(`${JSON.stringify({ pid: influx.pid, dir: influx.dataDir })}\n`)
setInterval(() => {}, 1_000)
