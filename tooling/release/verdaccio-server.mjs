// Child process: a Verdaccio registry on 127.0.0.1 and an ephemeral port (port 0, so no race for a
// free port). Prints `READY <port>` once it listens. Exits when its parent goes away (stdin closes), so
// even a SIGKILLed release test leaves no registry behind.
// usage: node verdaccio-server.mjs <config.yaml>
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { runServer } = require('verdaccio')

const configPath = process.argv[2]
if (!configPath) {
  console.error('usage: verdaccio-server.mjs <config.yaml>')
  process.exit(2)
}

const server = await runServer(configPath)
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`READY ${server.address().port}\n`)
})
server.on('error', (error) => {
  console.error(`verdaccio: ${error.message}`)
  process.exit(1)
})

const shutdown = () => {
  server.close()
  process.exit(0)
}
process.stdin.on('end', shutdown)
process.stdin.on('close', shutdown)
process.stdin.resume()
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
