// A test runner that gets SIGKILLed by the watchdog tests: starts SERVERS servers (one with a helper
// child in its group, one paused) and DIRS temp dirs holding a file, reports them as one JSON line,
// then waits to die. With REPORT_REWATCH=1 it also prints "rewatched <pids>" once a killed watchdog
// was replaced (the set of live watchdog pids changed and is complete again).
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
const watchdog = await getWatchdog()
const first = watchdog.pids
const report = {
  pids: servers.map((s) => s.pid),
  helperPid: helper ? Number(helper.split(' ')[1]) : undefined,
  dirs: dirs.map((d) => d.path),
  runDir: process.env.INFRA_RUN_DIR,
  socket: watchdog.socketPath,
  watchdogs: first,
}
process.stdout.write(`${JSON.stringify(report)}\n`)
if (process.env.REPORT_REWATCH) {
  const timer = setInterval(() => {
    const now = watchdog.pids
    if (now.length === first.length && now.some((p) => !first.includes(p))) {
      clearInterval(timer)
      process.stdout.write(`rewatched ${now.join(' ')}\n`)
    }
  }, 20)
}
setInterval(() => {}, 1000)
