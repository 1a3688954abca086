// The etcd part of the bench: partition a 3-node cluster's leader away from its peers (networkFaults) and
// time until the majority has a new leader. @infra/etcd-fixture is loaded from its workspace folder, not
// declared as a dependency (it dev-depends on this package for its own tests: a declared one would be a cycle).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const RUNS = Number(process.env.BENCH_ETCD_RUNS ?? 3)

export async function etcdPartitionToNewLeader() {
  const entry = path.join(here, '..', '..', 'etcd-fixture', 'dist', 'index.js')
  if (!fs.existsSync(entry))
    return { etcd_partition_to_new_leader_ms: null, etcd_note: 'etcd-fixture not built' }
  const { startEtcd } = await import(pathToFileURL(entry).href)
  const { startToxiproxy } = await import('../dist/index.js')
  if (typeof startEtcd !== 'function')
    return { etcd_partition_to_new_leader_ms: null, etcd_note: 'no startEtcd' }
  const toxiproxy = await startToxiproxy()
  const times = []
  try {
    for (let i = 0; i < RUNS; i++) {
      const cluster = await startEtcd({ nodes: 3, networkFaults: toxiproxy })
      try {
        times.push(await partitionToNewLeader(cluster))
      } finally {
        await cluster.stop()
      }
    }
  } catch (err) {
    return { etcd_partition_to_new_leader_ms: null, etcd_note: String(err.message).split('\n')[0] }
  } finally {
    await toxiproxy.stop()
  }
  times.sort((a, b) => a - b)
  return { etcd_partition_to_new_leader_ms: Math.round(times[Math.floor(times.length / 2)]), etcd_runs: RUNS }
}

/** A node's own status from etcd's JSON gateway: its member id and the leader it follows. */
async function status(endpoint) {
  const res = await fetch(`${endpoint}/v3/maintenance/status`, {
    method: 'POST',
    body: '{}',
    signal: AbortSignal.timeout(500),
  })
  const json = await res.json()
  return { member: json.header.member_id, leader: json.leader }
}

/** Cuts the leader off from both peers; ms until the two agree on a new leader among themselves. */
async function partitionToNewLeader(cluster) {
  const old = await cluster.waitForLeader()
  const endpoints = cluster.connectionInfo.endpoints
  const majority = [0, 1, 2].filter((i) => i !== old.index)
  const t0 = performance.now()
  await cluster.partition([old.index], majority)
  for (;;) {
    const seen = await Promise.all(majority.map((i) => status(endpoints[i]).catch(() => undefined)))
    const leaders = new Set(seen.map((s) => s?.leader))
    const leader = [...leaders][0]
    if (leaders.size === 1 && leader && leader !== old.memberId && seen.some((s) => s?.member === leader))
      break
    if (performance.now() - t0 > 15_000) throw new Error('no new leader among the majority within 15 s')
    await new Promise((r) => setTimeout(r, 5))
  }
  const ms = performance.now() - t0
  await cluster.heal()
  return ms
}
