import { startRedisSentinel } from './dist/index.js'
const ha = await startRedisSentinel({ replicas: 2, sentinels: 3 })
const client = ha.client()
await client.set('before', 'failover')
const acked = [], failed = [], errs = new Map()
let stop = false, i = 0
const writer = (async () => {
  while (!stop) {
    const n = i++
    try {
      await client.set(`w:${n}`, String(n))
      const replicas = await client.wait(1, 500)
      if (replicas >= 1) acked.push(n); else { failed.push(n); errs.set('wait' + replicas, (errs.get('wait' + replicas) ?? 0) + 1) }
    } catch (e) { failed.push(n); errs.set(e.message, (errs.get(e.message) ?? 0) + 1); await new Promise((r) => setTimeout(r, 10)) }
  }
})()
while (acked.length < 50) await new Promise((r) => setTimeout(r, 5))
const t0 = Date.now()
const result = await ha.killMaster()
console.log('failover', result.failoverMs)
const ackedBefore = acked.length
const until = Date.now() + 8000
while (acked.length < ackedBefore + 20 && Date.now() < until) await new Promise((r) => setTimeout(r, 10))
stop = true; await writer
console.log({ ackedBefore, acked: acked.length, failed: failed.length, errs, status: client.status })
console.log(await client.info('replication').catch((e) => e.message))
await ha.stop()
