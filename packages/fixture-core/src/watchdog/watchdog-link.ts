import net from 'node:net'
import { withTimeout } from '../wait.js'

export interface Registry {
  pgids: ReadonlyMap<number, string | undefined>
  dirs: ReadonlySet<string>
}

/** One connection to one watchdog process: newline-delimited JSON, each message acknowledged. */
export class WatchdogLink {
  private nextId = 1
  private readonly pending = new Map<number, () => void>()
  private buf = ''

  private constructor(
    private readonly socket: net.Socket,
    readonly socketPath: string,
    onClose: (link: WatchdogLink) => void,
  ) {
    socket.setEncoding('utf8')
    socket.unref()
    socket.on('data', (chunk: string) => this.onData(chunk))
    socket.on('error', () => {})
    socket.on('close', () => {
      for (const resolve of this.pending.values()) resolve()
      this.pending.clear()
      onClose(this)
    })
  }

  static connect(socketPath: string, onClose: (link: WatchdogLink) => void): Promise<WatchdogLink> {
    return new Promise((resolve, reject) => {
      const sock = net.connect(socketPath)
      sock.once('connect', () => {
        sock.removeListener('error', reject)
        resolve(new WatchdogLink(sock, socketPath, onClose))
      })
      sock.once('error', reject)
    })
  }

  /** The watchdog's pid, from its socket name (`watchdog-<pid>.sock`). */
  get pid(): number {
    return Number(/watchdog-(\d+)\.sock$/.exec(this.socketPath)?.[1] ?? 0)
  }

  get connected(): boolean {
    return !this.socket.destroyed
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
      } catch {
        // ignore garbage
      }
    }
  }

  /** Sends one message; resolves on its ack, or when the connection closes (nothing left to tell). */
  send(msg: Record<string, unknown>): Promise<void> {
    if (!this.connected) return Promise.resolve()
    const id = this.nextId++
    const acked = new Promise<void>((resolve) => this.pending.set(id, resolve))
    // keep the process alive until the ack arrives (an awaited ack on an unref'd socket ends the process)
    this.socket.ref()
    this.socket.write(`${JSON.stringify({ ...msg, id })}\n`)
    return withTimeout(acked, 10_000, 'the watchdog to acknowledge a registration').finally(() => {
      this.pending.delete(id)
      // idle again: the watchdog connection alone must not keep the process alive
      if (this.pending.size === 0) this.socket.unref()
    })
  }

  /** Tells a fresh watchdog everything registered so far. */
  async replay(registry: Registry): Promise<void> {
    await Promise.all([
      ...[...registry.pgids].map(([pgid, start]) => this.send({ op: 'pgid', pgid, start })),
      ...[...registry.dirs].map((dir) => this.send({ op: 'dir', path: dir })),
    ])
  }
}
