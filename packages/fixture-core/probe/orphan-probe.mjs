#!/usr/bin/env node
// The orphan probe (issue "no orphan even when the watchdog dies"): a runner starts PostgreSQL,
// Redis and Kafka through the real fixtures; the probe SIGKILLs the run's watchdog, then the runner
// DELAY ms later, waits SETTLE ms and counts what is left: server processes (by pid and process
// group), the runner's watchdogs, the servers' dirs and the SysV shared-memory segments PostgreSQL
// created. Then it removes the leftovers itself (by pid/path, never by name) so rounds are independent.
//   node probe/orphan-probe.mjs [rounds=10] [delays=0,1000]   env: PROBE_KAFKA_BROKERS (default 1),
//   PROBE_KILL_ALL=1 (kill every watchdog: then the next run's reaping is applied and counted too)
// Needs `pnpm build` in fixture-core (the fixtures import its dist). Writes probe/results/<label>.json.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const rounds = Number(process.argv[2] ?? 10)
const delays = (process.argv[3] ?? '0,1000').split(',').map(Number)
const label = process.env.PROBE_LABEL ?? 'probe'
const settleMs = Number(process.env.PROBE_SETTLE_MS ?? 3000)
const killAll = process.env.PROBE_KILL_ALL === '1'
const tsx = createRequire(path.join(here, '../../pg-fixture/package.json')).resolve('tsx')

function procs() {
  const out = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (f[0] === 'Z') continue
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ')
      out.push({ pid: Number(name), ppid: Number(f[1]), pgid: Number(f[2]), cmd })
    } catch {}
  }
  return out
}

/** SysV segments: [{ id, cpid }] */
function segments() {
  const text = execFileSync('ipcs', ['-m', '-p'], { encoding: 'utf8' })
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => /^\d+$/.test(f[0] ?? '') && /^\d+$/.test(f[2] ?? ''))
    .map((f) => ({ id: Number(f[0]), cpid: Number(f[2]) }))
}

function leftovers(report) {
  const pids = new Set(report.pids)
  const all = procs()
  const servers = all.filter((p) => pids.has(p.pid) || pids.has(p.pgid))
  const watchdogs = all.filter((p) => p.cmd.includes('watchdog-main') && p.cmd.includes(report.runDir))
  const dirs = report.dirs.filter((d) => d && fs.existsSync(d))
  const segs = segments().filter((s) => s.cpid === report.pgPid)
  return { servers, watchdogs, dirs, segs }
}

function cleanUp(left) {
  for (const p of [...left.servers, ...left.watchdogs]) {
    try {
      process.kill(p.pid, 'SIGKILL')
    } catch {}
  }
  for (const d of left.dirs) fs.rmSync(d, { recursive: true, force: true })
  for (const s of left.segs) {
    try {
      execFileSync('ipcrm', ['-m', String(s.id)])
    } catch {}
  }
}

/** A round, retried when the runner could not start because a build was rewriting dist meanwhile. */
async function round(delay) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await tryRound(delay)
    } catch (err) {
      if (attempt >= 3 || !/ERR_MODULE_NOT_FOUND|Cannot find module/.test(err.message)) throw err
      await sleep(5_000)
    }
  }
}

async function tryRound(delay) {
  const env = { ...process.env }
  delete env.INFRA_WATCHDOG_SOCKET
  delete env.INFRA_RUN_DIR
  const child = spawn(process.execPath, ['--import', tsx, path.join(here, 'runner.ts')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (c) => (out += c))
  child.stderr.setEncoding('utf8').on('data', (c) => (err += c))
  const deadline = Date.now() + 120_000
  while (!out.includes('\n')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`runner failed to start: ${err.slice(-2000)}`)
    }
    await sleep(50)
  }
  const r = JSON.parse(out.split('\n')[0])
  r.runDir = r.dirs.at(-1)
  const first = Number(/watchdog-(\d+)\.sock$/.exec(r.socket)?.[1])
  // PROBE_KILL_ALL=1: every watchdog (pkill -9 node), else the one the runner uses first
  for (const pid of killAll ? (r.watchdogs ?? [first]) : [first]) process.kill(pid, 'SIGKILL')
  if (delay > 0) await sleep(delay)
  child.kill('SIGKILL')
  await sleep(settleMs)
  let left = leftovers(r)
  const beforeReap = left.servers.length + left.watchdogs.length + left.dirs.length + left.segs.length
  if (killAll) {
    // what the next run does at its start
    const { reapStaleRunDirs } = await import('../dist/index.js')
    reapStaleRunDirs(path.dirname(r.runDir))
    await sleep(500)
    left = leftovers(r)
  }
  cleanUp(left)
  return {
    delay,
    ...(killAll ? { leftBeforeNextRun: beforeReap } : {}),
    processes: left.servers.length + left.watchdogs.length,
    dirs: left.dirs.length,
    segments: left.segs.length,
    detail: { servers: left.servers.map((p) => p.cmd.slice(0, 60)), dirs: left.dirs },
  }
}

const results = []
for (const delay of delays) {
  for (let i = 0; i < rounds; i++) {
    const res = await round(delay)
    results.push(res)
    process.stdout.write(`${JSON.stringify(res)}\n`)
  }
}
const summary = delays.map((delay) => {
  const rs = results.filter((r) => r.delay === delay)
  return {
    delay,
    rounds: rs.length,
    roundsWithLeftovers: rs.filter((r) => r.processes + r.dirs + r.segments > 0).length,
    processes: rs.reduce((n, r) => n + r.processes, 0),
    dirs: rs.reduce((n, r) => n + r.dirs, 0),
    segments: rs.reduce((n, r) => n + r.segments, 0),
  }
})
const file = path.join(here, 'results', `${label}.json`)
fs.mkdirSync(path.dirname(file), { recursive: true })
fs.writeFileSync(
  file,
  `${JSON.stringify({ label, date: new Date().toISOString(), kafkaBrokers: Number(process.env.PROBE_KAFKA_BROKERS ?? 1), killAllWatchdogs: killAll, settleMs, summary, results }, null, 2)}\n`,
)
console.log(JSON.stringify(summary))
