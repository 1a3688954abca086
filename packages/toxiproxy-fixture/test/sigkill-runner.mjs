// A test runner stand-in: starts Toxiproxy with a link, prints its pid, then waits to be SIGKILLed.
// Used by src/server.integration.test.ts.
import { startToxiproxy } from '../dist/index.js'

const toxiproxy = await startToxiproxy()
await toxiproxy.proxy('127.0.0.1:9', 'discard')
process.stdout.write(`${JSON.stringify({ pid: toxiproxy.pid })}\n`)
setInterval(() => {}, 1_000)
