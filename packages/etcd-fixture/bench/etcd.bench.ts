// pnpm bench → bench/results/etcd.json (flat numeric keys). One run on whatever machine this is; the anchor
// (the same 3-node cluster with etcd's default heartbeat and election timeout) runs in the same process.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Etcd3 } from 'etcd3'
import {
  ETCD_DEFAULT_TIMINGS,
  type Etcd,
  type EtcdOptions,
  type RaftTimings,
  startEtcd,
} from '../src/index.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const READY_RUNS = Number(process.env.BENCH_RUNS ?? 15)
const FAILOVER_RUNS = Number(process.env.BENCH_FAILOVER_RUNS ?? 9)
const OPS = Number(process.env.BENCH_OPS ?? 1_000)
const results: Record<string, number> = {}
const log = (s: string) => process.stderr.write(`${s}\n`)

function p50(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return Math.round(s[Math.floor((s.length - 1) / 2)]! * 100) / 100
}

/** start() until it resolves: every node follows a leader and serves clients. Stop is not timed. */
async function readyTimes(opts: EtcdOptions, runs: number): Promise<{ ready: number[]; firstPut: number[] }> {
  const ready: number[] = []
  const firstPut: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    const etcd = await startEtcd(opts)
    ready.push(performance.now() - t0)
    try {
      await etcd.client().put('bench').value('1')
      firstPut.push(performance.now() - t0)
    } finally {
      await etcd.stop()
    }
  }
  return { ready, firstPut }
}

/** From SIGKILL of the leader to the first put that succeeds (attempts of 50 ms each, on all endpoints). */
async function failoverOnce(etcd: Etcd, client: Etcd3): Promise<number> {
  await etcd.waitForLeader()
  await client.put('failover').value('before')
  const t0 = performance.now()
  const old = await etcd.killLeader()
  for (;;) {
    try {
      await client
        .put('failover')
        .value('after')
        .options({ deadline: Date.now() + 50 })
      break
    } catch {
      if (performance.now() - t0 > 30_000) throw new Error('no write within 30 s of the leader kill')
    }
  }
  const ms = performance.now() - t0
  await etcd.restart(old.index)
  return ms
}

async function failoverTimes(timings: RaftTimings | undefined, runs: number): Promise<number[]> {
  await using etcd = await startEtcd({ nodes: 3, ...(timings ? { timings } : {}) })
  const client = etcd.client()
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(await failoverOnce(etcd, client))
  return times
}

/** The raft term every node reports: it only grows with an election. */
async function terms(etcd: Etcd): Promise<number[]> {
  return Promise.all(
    etcd.endpoints.map(async (_, i) => Number((await etcd.nodeClient(i).maintenance.status()).raftTerm)),
  )
}

async function opTimes(): Promise<{ put: number[]; get: number[]; elections: number; seconds: number }> {
  await using etcd = await startEtcd({ nodes: 3 })
  const t0 = performance.now()
  const before = await terms(etcd)
  await using ns = await etcd.isolated()
  const kv = ns.client()
  const put: number[] = []
  const get: number[] = []
  for (let i = 0; i < 50; i++) await kv.put(`warm${i}`).value('x') // connections, JIT
  for (let i = 0; i < OPS; i++) {
    const t0 = performance.now()
    await kv.put(`k${i % 100}`).value(`v${i}`)
    const t1 = performance.now()
    await kv.get(`k${i % 100}`)
    const t2 = performance.now()
    put.push(t1 - t0)
    get.push(t2 - t1)
  }
  // idle too: heartbeats alone must keep the leader in place
  await new Promise((r) => setTimeout(r, 2_000))
  const after = await terms(etcd)
  const elections = Math.max(...after.map((t, i) => t - before[i]!))
  return { put, get, elections, seconds: Math.round((performance.now() - t0) / 1000) }
}

results.load_avg_1m_at_start = Math.round(os.loadavg()[0]! * 100) / 100
results.cpus = os.cpus().length

const single = await readyTimes({ nodes: 1 }, READY_RUNS)
results.single_ready_p50_ms = p50(single.ready)
results.single_first_put_p50_ms = p50(single.firstPut)
log(`single: ready ${results.single_ready_p50_ms} ms, first put ${results.single_first_put_p50_ms} ms`)

const cluster3 = await readyTimes({ nodes: 3 }, READY_RUNS)
results.cluster3_ready_p50_ms = p50(cluster3.ready)
results.cluster3_first_put_p50_ms = p50(cluster3.firstPut)
log(`cluster3: ready ${results.cluster3_ready_p50_ms} ms, first put ${results.cluster3_first_put_p50_ms} ms`)

const cluster5 = await readyTimes({ nodes: 5 }, Math.ceil(READY_RUNS / 3))
results.cluster5_ready_p50_ms = p50(cluster5.ready)

// tuned and anchor interleaved run by run would double the cluster starts; one cluster each, back to back
const tuned = await failoverTimes(undefined, FAILOVER_RUNS)
results.leader_failover_p50_ms = p50(tuned)
results.leader_failover_max_ms = Math.round(Math.max(...tuned))
log(`failover (tuned): ${tuned.map((t) => t.toFixed(0)).join(' ')}`)
const anchor = await failoverTimes({ ...ETCD_DEFAULT_TIMINGS }, FAILOVER_RUNS)
results.anchor_default_timings_failover_p50_ms = p50(anchor)
log(`failover (etcd defaults): ${anchor.map((t) => t.toFixed(0)).join(' ')}`)
results.failover_speedup_vs_anchor =
  Math.round((results.anchor_default_timings_failover_p50_ms / results.leader_failover_p50_ms) * 100) / 100

const ops = await opTimes()
results.put_p50_ms = p50(ops.put)
results.get_p50_ms = p50(ops.get)
// elections without any kill or pause during the put/get phase and 2 s idle (tuned timings): should be 0
results.unprovoked_elections = ops.elections
results.unprovoked_elections_window_s = ops.seconds
results.ops_runs = OPS
results.ready_runs = READY_RUNS
results.failover_runs = FAILOVER_RUNS
results.load_avg_1m_at_end = Math.round(os.loadavg()[0]! * 100) / 100

const out = path.join(here, 'results', 'etcd.json')
fs.mkdirSync(path.dirname(out), { recursive: true })
fs.writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
process.exit(0)
