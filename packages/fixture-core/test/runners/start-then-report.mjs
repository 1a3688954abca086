// Starts one test server (listening after LISTEN_DELAY_MS = 1.5 s, readyTimeoutMs READY_TIMEOUT_MS) and prints
// "spawned" right after the spawn and then "ready <pid>" or "error <name>: <message>". The SIGSTOP
// test freezes this process between the two.
import { getFreePort, ServiceProcess } from '../../dist/index.js'
import { serverSpec } from './server-spec.mjs'

const port = await getFreePort()
const spec = {
  ...serverSpec('stopped-runner', port, { LISTEN_DELAY_MS: process.env.LISTEN_DELAY_MS ?? '1500' }),
  readyTimeoutMs: Number(process.env.READY_TIMEOUT_MS ?? 2_000),
  readyIntervalMs: 10,
}
const svc = new ServiceProcess(spec)
const started = svc.start()
const spawned = setInterval(() => {
  if (svc.pid === undefined) return
  clearInterval(spawned)
  process.stdout.write('spawned\n') // the readiness deadline runs from about now
}, 5)
try {
  await started
  process.stdout.write(`ready ${svc.pid}\n`)
  await svc.stop()
} catch (err) {
  process.stdout.write(`error ${err.name}: ${err.message.split('\n')[0]}\n`)
}
process.exit(0)
