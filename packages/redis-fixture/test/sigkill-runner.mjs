// A test runner stand-in: starts a server, a sentinel group and a cluster, prints their pids, then waits
// to be SIGKILLed. Used by src/leak.integration.test.ts.
import { startRedis, startRedisCluster, startRedisSentinel } from '../dist/index.js'

const redis = await startRedis()
const ha = await startRedisSentinel({ replicas: 1, sentinels: 3 })
const cluster = await startRedisCluster({ masters: 3 })
process.stdout.write(
  `${JSON.stringify({ pids: [redis.pid, ...ha.pids, ...cluster.pids], dirs: [redis.dataDir] })}\n`,
)
setInterval(() => {}, 1_000)
