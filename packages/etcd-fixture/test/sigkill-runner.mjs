// A test runner stand-in: starts a 3-node cluster that then loses quorum (its last node ignores SIGTERM)
// and a 1-node cluster, prints their pids and data dirs, then waits to be SIGKILLed.
// Used by src/leak.integration.test.ts.
import { startEtcd } from '../dist/index.js'

const lost = await startEtcd({ nodes: 3 })
const single = await startEtcd({ nodes: 1 })
await lost.kill(0)
await lost.kill(1)
process.stdout.write(
  `${JSON.stringify({ pids: [lost.nodePid(2), single.nodePid(0)], dirs: [lost.dataDir, single.dataDir] })}\n`,
)
setInterval(() => {}, 1_000)
