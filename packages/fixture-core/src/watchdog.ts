import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { EnvironmentError } from './errors.js'
import { getRunDir } from './run-dir.js'
import { withTimeout } from './wait.js'

const here = path.dirname(fileURLToPath(import.meta.url))

function watchdogScript(): string {
  for (const name of ['watchdog-main.js', 'watchdog-main.mjs']) {
    const candidate = path.join(here, name)
    if (fs.existsSync(candidate)) return candidate
  }
  throw new EnvironmentError(`fixture-core is incomplete: watchdog-main.js not found next to ${here}`)
}

/**
 * What this process has registered. Kept here, not only in the watchdog, so that a new watchdog
 * (after the old one was killed) is told everything again.
 */
const registry = { pgids: new Map<number, string | undefined>(), dirs: new Set<string>() }

let client: WatchdogClient | undefined
let connecting: Promise<WatchdogClient> | undefined

/**
 * A connection to the run's watchdog. Everything registered here is killed (process groups) or
 * removed (directories) by the watchdog as soon as this process dies, however it dies.
 * Registrations are process-wide: any client instance may be used, also after a reconnect.
 */
export class WatchdogClient {
  private nextId = 1
  private readonly pending = new Map<number, () => void>()
  private buf = ''

  constructor(
    private readonly socket: net.Socket,
    readonly socketPath: string,
  ) {
    socket.setEncoding('utf8')
    socket.unref()
    socket.on('data', (chunk: string) => this.onData(chunk))
    socket.on('error', () => {})
    socket.on('close', () => {
      for (const resolve of this.pending.values()) resolve()
      this.pending.clear()
      if (client !== this) return
      client = undefined
      // the watchdog died while we live: start another one and hand it what is still registered
      if (registry.pgids.size > 0 || registry.dirs.size > 0) getWatchdog().catch(() => {})
    })
  }

  private onData(chunk: string): void {
    this.buf += chunk
    let nl = this.buf.indexOf('\n')
    while (nl >= 0) {
      const line = this.buf.slice(0, nl)
      this.buf = this.buf.slice(nl + 1)
      nl = this.buf.indexOf('\n')
      try {
        const { ack } = JSON.parse(line) as { ack: number }
        this.pending.get(ack)?.()
        this.pending.delete(ack)
        // idle again: the watchdog connection alone must not keep the process alive
        if (this.pending.size === 0) this.socket.unref()
      } catch {
        // ignore garbage
      }
    }
  }

  get connected(): boolean {
    return !this.socket.destroyed
  }

  /** Sends on this connection, or on the current one if this one is gone. */
  private send(msg: Record<string, unknown>): Promise<void> {
    const target = this.connected ? this : client?.connected ? client : undefined
    return target ? target.write(msg) : Promise.resolve()
  }

  private write(msg: Record<string, unknown>): Promise<void> {
    const id = this.nextId++
    const acked = new Promise<void>((resolve) => this.pending.set(id, resolve))
    // keep the process alive until the ack arrives (an awaited ack on an unref'd socket ends the process)
    this.socket.ref()
    this.socket.write(`${JSON.stringify({ ...msg, id })}\n`)
    return withTimeout(acked, 10_000, 'the watchdog to acknowledge a registration').finally(() => {
      this.pending.delete(id)
      if (this.pending.size === 0) this.socket.unref()
    })
  }

  /** Tells a fresh watchdog everything registered so far. */
  replay(): Promise<void> {
    const all = [
      ...[...registry.pgids].map(([pgid, start]) => this.write({ op: 'pgid', pgid, start })),
      ...[...registry.dirs].map((dir) => this.write({ op: 'dir', path: dir })),
    ]
    return Promise.all(all).then(() => {})
  }

  /**
   * Kill this process group if the runner dies. Pass the leader's start time (see
   * `processStartTime`) so a recycled pid is never killed.
   */
  registerProcessGroup(pgid: number, startTime?: string): Promise<void> {
    registry.pgids.set(pgid, startTime)
    return this.send({ op: 'pgid', pgid, start: startTime })
  }
  unregisterProcessGroup(pgid: number): Promise<void> {
    registry.pgids.delete(pgid)
    return this.send({ op: 'unpgid', pgid })
  }
  /** Remove this directory if the runner dies. */
  registerDir(dir: string): Promise<void> {
    registry.dirs.add(dir)
    return this.send({ op: 'dir', path: dir })
  }
  unregisterDir(dir: string): Promise<void> {
    registry.dirs.delete(dir)
    return this.send({ op: 'undir', path: dir })
  }
}

function connectTo(socketPath: string): Promise<WatchdogClient> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath)
    sock.once('connect', () => {
      sock.removeListener('error', reject)
      resolve(new WatchdogClient(sock, socketPath))
    })
    sock.once('error', reject)
  })
}

async function spawnWatchdog(runDir: string): Promise<string> {
  const child = spawn(process.execPath, [watchdogScript(), runDir], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  const ready = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (c: string) => {
      out += c
      const m = /^ready (.+)\n/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.once('exit', (code) => reject(new EnvironmentError(`the watchdog exited at start (code ${code})`)))
    child.once('error', reject)
  })
  try {
    return await withTimeout(ready, 10_000, 'the watchdog process to listen')
  } catch (err) {
    try {
      child.kill('SIGKILL')
    } catch {}
    throw err
  } finally {
    child.stdout!.destroy()
    child.removeAllListeners('exit')
    child.unref()
  }
}

/**
 * The watchdog of this test run: reuses the one named by `INFRA_WATCHDOG_SOCKET` (set for child
 * processes by whoever started it first: call this in a vitest globalSetup to share one watchdog
 * with all workers), or starts one.
 */
export async function getWatchdog(): Promise<WatchdogClient> {
  if (client?.connected) return client
  connecting ??= (async () => {
    let fresh: WatchdogClient | undefined
    const inherited = process.env.INFRA_WATCHDOG_SOCKET
    if (inherited) fresh = await connectTo(inherited).catch(() => undefined) // gone: start our own
    if (!fresh) {
      const socketPath = await spawnWatchdog(getRunDir())
      fresh = await connectTo(socketPath)
      process.env.INFRA_WATCHDOG_SOCKET = socketPath
    }
    client = fresh
    await fresh.replay()
    return fresh
  })().finally(() => {
    connecting = undefined
  })
  return connecting
}
