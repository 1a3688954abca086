import { startRedisSentinel } from './dist/index.js'
const ha = await startRedisSentinel({ replicas: 2, sentinels: 3 })
const c = ha.client()
await c.set('a', '1')
const r = await ha.killMaster()
console.log('failover', r)
const errs = new Map()
for (let i = 0; i < 40; i++) {
  try { await c.set('b', String(i)); const n = await c.wait(1, 500); if (n >= 1) { console.log('acked at', i); break } else errs.set('wait0', (errs.get('wait0') ?? 0) + 1) } catch (e) { errs.set(e.message, (errs.get(e.message) ?? 0) + 1); await new Promise((r) => setTimeout(r, 100)) }
}
console.log(errs)
for (const n of ha.nodes.slice(1)) { const nc = ha.nodeClient(n); const info = await nc.info('replication'); console.log(n.port, info.split('\r\n').filter((l) => /role|master_port|master_link_status|connected_slaves|slave0/.test(l)).join(' | ')) }
for (const p of ha.sentinelProcesses) console.log(p.logs(15).join('\n'))
await ha.stop()
