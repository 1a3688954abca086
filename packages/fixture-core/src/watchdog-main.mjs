#!/usr/bin/env node
// The per-run watchdog: a detached process that outlives a crashed test runner.
// Clients (the runner and its workers) connect over a unix socket and register process groups and
// directories. When a client's connection closes without unregistering (the client died, even by
// SIGKILL: the kernel closes its sockets), the watchdog SIGKILLs its process groups and removes its
// directories at once. When no client is left, it removes the run directory and exits.
// Plain JavaScript with no dependencies so it runs from source and from dist alike.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

const runDir = process.argv[2]
if (!runDir) {
  process.stderr.write('usage: watchdog-main <runDir>\n')
  process.exit(2)
}
const socketPath = path.join(runDir, 'watchdog.sock')
const LINGER_MS = Number(process.env.INFRA_WATCHDOG_LINGER_MS ?? 1500)
const START_IDLE_MS = 10_000

/** @type {Set<{pgids:Set<number>, dirs:Set<string>}>} */
const clients = new Set()
let lingerTimer

function killGroup(pgid) {
  try {
    process.kill(-pgid, 'SIGCONT')
  } catch {}
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
  for (const pgid of state.pgids) killGroup(pgid)
  // give the kernel a moment to release files held by killed processes before removing dirs
  if (state.dirs.size > 0) {
    const dirs = [...state.dirs]
    setTimeout(() => dirs.forEach(removeDir), state.pgids.size > 0 ? 50 : 0)
  }
  state.pgids.clear()
  state.dirs.clear()
}

function shutdown() {
  for (const c of clients) cleanupClient(c)
  setTimeout(() => {
    removeDir(runDir)
    process.exit(0)
  }, 100)
}

function scheduleExitIfIdle(ms) {
  clearTimeout(lingerTimer)
  lingerTimer = setTimeout(() => {
    if (clients.size === 0) shutdown()
  }, ms)
}

const server = net.createServer((sock) => {
  const state = { pgids: new Set(), dirs: new Set() }
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
      if (msg.op === 'pgid' && Number.isInteger(msg.pgid) && msg.pgid > 1) state.pgids.add(msg.pgid)
      else if (msg.op === 'unpgid') state.pgids.delete(msg.pgid)
      else if (msg.op === 'dir' && typeof msg.path === 'string' && msg.path.length > 1) state.dirs.add(msg.path)
      else if (msg.op === 'undir') state.dirs.delete(msg.path)
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
  fs.writeFileSync(path.join(runDir, 'watchdog.pid'), String(process.pid))
  process.stdout.write(`ready ${socketPath}\n`)
  scheduleExitIfIdle(START_IDLE_MS)
})
