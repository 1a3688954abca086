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
 * A connection to the run's watchdog. Everything registered here is killed (process groups) or
 * removed (directories) by the watchdog as soon as this process dies, however it dies.
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
    socket.on('data', (chunk: string) => {
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
        } catch {
          // ignore garbage
        }
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      for (const resolve of this.pending.values()) resolve()
      this.pending.clear()
      if (client === this) client = undefined
    })
  }

  get connected(): boolean {
    return !this.socket.destroyed
  }

  private send(msg: Record<string, unknown>): Promise<void> {
    if (this.socket.destroyed) return Promise.resolve()
    const id = this.nextId++
    const acked = new Promise<void>((resolve) => this.pending.set(id, resolve))
    this.socket.write(`${JSON.stringify({ ...msg, id })}\n`)
    return withTimeout(acked, 5_000, 'the watchdog to acknowledge a registration')
  }

  /** Kill this process group if the runner dies. */
  registerProcessGroup(pgid: number): Promise<void> {
    return this.send({ op: 'pgid', pgid })
  }
  unregisterProcessGroup(pgid: number): Promise<void> {
    return this.send({ op: 'unpgid', pgid })
  }
  /** Remove this directory if the runner dies. */
  registerDir(dir: string): Promise<void> {
    return this.send({ op: 'dir', path: dir })
  }
  unregisterDir(dir: string): Promise<void> {
    return this.send({ op: 'undir', path: dir })
  }
}

let client: WatchdogClient | undefined
let connecting: Promise<WatchdogClient> | undefined

function connectTo(socketPath: string): Promise<WatchdogClient> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath)
    sock.once('connect', () => resolve(new WatchdogClient(sock, socketPath)))
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
    return await withTimeout(ready, 5_000, 'the watchdog process to listen')
  } finally {
    child.stdout!.destroy()
    child.removeAllListeners('exit')
    child.unref()
  }
}

/**
 * The watchdog of this test run: reuses the one named by `INFRA_WATCHDOG_SOCKET` (set for worker
 * processes by whoever started it first), or starts one.
 */
export async function getWatchdog(): Promise<WatchdogClient> {
  if (client?.connected) return client
  connecting ??= (async () => {
    const inherited = process.env.INFRA_WATCHDOG_SOCKET
    if (inherited) {
      try {
        client = await connectTo(inherited)
        return client
      } catch {
        // gone: start our own
      }
    }
    const socketPath = await spawnWatchdog(getRunDir())
    client = await connectTo(socketPath)
    process.env.INFRA_WATCHDOG_SOCKET = socketPath
    return client
  })().finally(() => {
    connecting = undefined
  })
  return connecting
}
