#!/usr/bin/env node
// The per-run watchdog: a detached process that outlives a crashed test runner.
// Clients (the runner and its workers) connect over a unix socket and register process groups and
// directories. When a client's connection closes (the client died, even by SIGKILL: the kernel
// closes its sockets), the watchdog SIGKILLs the process groups it still had registered and removes
// its directories at once. When no client is left for a while, it stops listening and exits, and
// removes the run directory if nobody else can still use it.
// Plain JavaScript with no dependencies so it runs from source and from dist alike.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

const runDir = process.argv[2]
if (!runDir) {
  process.stderr.write('usage: watchdog-main <runDir> [spawnerPid]\n')
  process.exit(2)
}
process.stdout.on('error', () => {})
const LINGER_MS = Number(process.env.INFRA_WATCHDOG_LINGER_MS ?? 1500)
const START_IDLE_MS = 10_000
const pidFile = path.join(runDir, `watchdog-${process.pid}.pid`)
// unix socket paths are limited to ~107 bytes
let socketPath = path.join(runDir, `watchdog-${process.pid}.sock`)
if (Buffer.byteLength(socketPath) > 100)
  socketPath = path.join(os.tmpdir(), `infra-watchdog-${process.pid}.sock`)

/** @type {Set<{pgids: Map<number, string | undefined>, dirs: Set<string>}>} */
const clients = new Set()
let lingerTimer
let closing = false

function startTimeOf(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

/** A live process has this pid; a zombie (dead, not yet reaped: some PID 1s never reap) does not count. */
function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false
  try {
    process.kill(pid, 0)
  } catch (err) {
    if (err.code !== 'EPERM') return false
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat[stat.lastIndexOf(')') + 2] !== 'Z'
  } catch {
    return true
  }
}

function killGroup(pgid, startTime) {
  // a pid that now belongs to a younger process means our group is gone (Linux never reuses a live pgid)
  const now = startTime === undefined ? undefined : startTimeOf(pgid)
  if (now !== undefined && now !== startTime) return
  try {
    process.kill(-pgid, 'SIGKILL')
  } catch {}
}

function removeDir(dir) {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  } catch {}
}

function cleanupClient(state) {
  for (const [pgid, startTime] of state.pgids) killGroup(pgid, startTime)
  // give the kernel a moment to release files held by killed processes before removing dirs
  if (state.dirs.size > 0) {
    const dirs = [...state.dirs]
    setTimeout(() => dirs.forEach(removeDir), state.pgids.size > 0 ? 50 : 0)
  }
  state.pgids.clear()
  state.dirs.clear()
}

/**
 * Before the run dir goes: what the run journaled (<runDir>/journal: `group-<pgid>` holding its start
 * time, `dir-*` holding a path) but this watchdog never heard of — a replacement started while the
 * runner died learns nothing from it — is killed and removed too, like a later run's reaping would.
 */
function reapJournal() {
  const journal = path.join(runDir, 'journal')
  let names = []
  try {
    names = fs.readdirSync(journal)
  } catch {
    return
  }
  for (const name of names) {
    let content
    try {
      content = fs.readFileSync(path.join(journal, name), 'utf8')
    } catch {
      continue
    }
    const group = /^group-(\d+)$/.exec(name)
    if (group && Number(group[1]) > 1) killGroup(Number(group[1]), content || undefined)
    else if (name.startsWith('dir-') && path.isAbsolute(content) && content.split(path.sep).length > 2) {
      removeDir(content)
    }
  }
}

/** The run's creator lives: by the `owner` file (pid + start time), else by the pid in the dir name. */
function ownerAlive() {
  let tag
  try {
    tag = fs.readFileSync(path.join(runDir, 'owner'), 'utf8').trim()
  } catch {
    const m = /^run-(\d+)-/.exec(path.basename(runDir))
    return Boolean(m && isAlive(Number(m[1])))
  }
  const [pid, start] = tag.split(' ')
  if (!isAlive(Number(pid))) return false
  const now = startTimeOf(Number(pid))
  return !start || now === undefined || now === start
}

/**
 * Whether the run dir may go: 'keep' while its creator lives, 'wait' while another watchdog
 * serving it lives (it may be killed before deciding itself), 'remove' otherwise.
 */
function runDirFate() {
  if (ownerAlive()) return 'keep'
  let entries = []
  try {
    entries = fs.readdirSync(runDir)
  } catch {
    return 'keep'
  }
  for (const name of entries) {
    const w = /^watchdog-(\d+)\.pid$/.exec(name)
    if (w && Number(w[1]) !== process.pid && isAlive(Number(w[1]))) return 'wait'
  }
  return 'remove'
}

function shutdown() {
  if (closing) return
  closing = true
  clearTimeout(lingerTimer)
  server.close()
  for (const c of clients) cleanupClient(c)
  setTimeout(() => {
    try {
      fs.rmSync(socketPath, { force: true })
      fs.rmSync(pidFile, { force: true })
    } catch {}
    // the last watchdog standing removes the run dir of a dead run: wait (bounded) for the others
    const deadline = Date.now() + 3000
    const decide = () => {
      const fate = runDirFate()
      if (fate === 'wait' && Date.now() < deadline) return setTimeout(decide, 50)
      if (fate === 'remove') {
        reapJournal()
        removeDir(runDir)
      }
      process.exit(0)
    }
    decide()
  }, 100)
}

// A watchdog whose spawner (argv[3]) died before connecting (killed right after spawning it, maybe
// before this process even ran) has nobody to guard: it goes at once instead of idling.
const spawner = Number(process.argv[3] ?? process.ppid)
setInterval(() => {
  if (clients.size === 0 && !isAlive(spawner)) shutdown()
}, 100).unref()

function scheduleExitIfIdle(ms) {
  clearTimeout(lingerTimer)
  lingerTimer = setTimeout(() => {
    if (clients.size === 0) shutdown()
  }, ms)
}

function handle(state, msg) {
  if (msg.op === 'pgid' && Number.isInteger(msg.pgid) && msg.pgid > 1) {
    state.pgids.set(msg.pgid, typeof msg.start === 'string' ? msg.start : undefined)
  } else if (msg.op === 'unpgid') state.pgids.delete(msg.pgid)
  else if (
    msg.op === 'dir' &&
    typeof msg.path === 'string' &&
    path.isAbsolute(msg.path) &&
    msg.path.length > 1
  ) {
    state.dirs.add(msg.path)
  } else if (msg.op === 'undir') state.dirs.delete(msg.path)
}

const server = net.createServer((sock) => {
  if (closing) {
    sock.destroy()
    return
  }
  const state = { pgids: new Map(), dirs: new Set() }
  clients.add(state)
  clearTimeout(lingerTimer)
  let buf = ''
  sock.setEncoding('utf8')
  sock.on('data', (chunk) => {
    buf += chunk
    let nl = buf.indexOf('\n')
    while (nl >= 0) {
      const line = buf.slice(0, nl)
      buf = buf.slice(nl + 1)
      nl = buf.indexOf('\n')
      let msg
      try {
        msg = JSON.parse(line)
      } catch {
        continue
      }
      handle(state, msg)
      if (msg.id !== undefined) sock.write(`${JSON.stringify({ ack: msg.id })}\n`)
    }
  })
  const onGone = () => {
    if (!clients.has(state)) return
    clients.delete(state)
    cleanupClient(state)
    if (clients.size === 0) scheduleExitIfIdle(LINGER_MS)
  }
  sock.on('close', onGone)
  sock.on('error', onGone)
})

process.on('SIGTERM', shutdown)
process.on('SIGINT', () => {})
process.on('SIGHUP', () => {})

try {
  fs.rmSync(socketPath, { force: true })
} catch {}
server.listen(socketPath, () => {
  fs.writeFileSync(pidFile, String(process.pid))
  process.stdout.write(`ready ${socketPath}\n`)
  scheduleExitIfIdle(START_IDLE_MS)
})
