// A test runner that gets SIGKILLed by the watchdog test: starts SERVERS servers (one with a helper
// child in its group, one paused) and DIRS temp dirs holding a file, reports them as one JSON line,
// then waits to die. With REPORT_REWATCH=1 it also prints "rewatched <socket>" once its watchdog was
// replaced (the test kills the first watchdog).
import fs from 'node:fs'
import path from 'node:path'
import { createTempDir, getWatchdog, startService, withPortRetry } from '../../dist/index.js'
import { serverSpec } from './server-spec.mjs'

const servers = await Promise.all(
  Array.from({ length: Number(process.env.SERVERS ?? 3) }, (_, i) =>
    withPortRetry((port) =>
      startService(serverSpec(`victim-${i}`, port, i === 0 ? { SPAWN_CHILD: '1' } : {})),
    ),
  ),
)
servers.at(-1)?.pause()
const dirs = await Promise.all(
  Array.from({ length: Number(process.env.DIRS ?? 2) }, () => createTempDir('victim')),
)
for (const d of dirs) fs.writeFileSync(path.join(d.path, 'data'), 'x')
const helper = servers[0]?.logs().find((l) => l.startsWith('child '))
const socket = (await getWatchdog()).socketPath
const report = {
  pids: servers.map((s) => s.pid),
  helperPid: helper ? Number(helper.split(' ')[1]) : undefined,
  dirs: dirs.map((d) => d.path),
  runDir: process.env.INFRA_RUN_DIR,
  socket,
}
process.stdout.write(`${JSON.stringify(report)}\n`)
if (process.env.REPORT_REWATCH) {
  const timer = setInterval(async () => {
    const now = await getWatchdog().catch(() => undefined)
    if (now && now.socketPath !== socket) {
      clearInterval(timer)
      process.stdout.write(`rewatched ${now.socketPath}\n`)
    }
  }, 50)
}
setInterval(() => {}, 1000)
