// Starts COUNT test servers at once through withPortRetry and reports them as one JSON line.
// Each server's first candidate port comes from FIRST_PORTS (the same list is given to every runner,
// so runners really race to bind the same ports); later attempts use fresh ports.
// Stops everything and exits when stdin closes.
import { getFreePorts, startService, withPortRetry } from '../../dist/index.js'
import { serverSpec } from './server-spec.mjs'

const count = Number(process.env.COUNT ?? 20)
const firstPorts = (process.env.FIRST_PORTS ?? '').split(',').filter(Boolean).map(Number)
let retries = 0

const services = await Promise.all(
  Array.from({ length: count }, (_, i) => {
    let attempt = 0
    return withPortRetry((port) => startService(serverSpec(`race-${i}`, port)), {
      attempts: 20,
      pickPorts: async (n) => {
        if (attempt++ > 0) retries++
        return attempt === 1 && firstPorts[i] ? [firstPorts[i]] : getFreePorts(n)
      },
    })
  }),
)
process.stdout.write(
  `${JSON.stringify({ servers: services.map((s) => ({ port: s.port, pid: s.pid })), retries })}\n`,
)
process.stdin.resume()
process.stdin.on('end', async () => {
  await Promise.all(services.map((s) => s.stop()))
  process.exit(0)
})
