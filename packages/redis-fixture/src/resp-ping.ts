import net from 'node:net'

export interface PingOptions {
  host?: string
  port: number
  username?: string
  password?: string
  timeoutMs?: number
  signal?: AbortSignal
}

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`
}

/**
 * A real `PING` over a fresh connection, with `AUTH` first when a password is given. Resolves `true` on
 * `+PONG`, `false` while the server is still loading its dataset; rejects on connection errors and on
 * authentication failures. Kept dependency-free so readiness probes cost one round trip.
 */
export function respPing(opts: PingOptions): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const commands: string[][] = []
    if (opts.password !== undefined) {
      commands.push(opts.username ? ['AUTH', opts.username, opts.password] : ['AUTH', opts.password])
    }
    commands.push(['PING'])
    const sock = net.connect({ host: opts.host ?? '127.0.0.1', port: opts.port })
    let buf = ''
    let settled = false
    const finish = (err: Error | undefined, value?: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      sock.destroy()
      if (err) reject(err)
      else resolve(value ?? false)
    }
    const onAbort = () => finish(new Error('ping aborted'))
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(
      () =>
        finish(new Error(`no PING reply from 127.0.0.1:${opts.port} within ${opts.timeoutMs ?? 1000} ms`)),
      opts.timeoutMs ?? 1000,
    )
    sock.setNoDelay(true)
    sock.setEncoding('utf8')
    sock.once('error', (err) => finish(err))
    sock.once('close', () => finish(new Error(`connection to 127.0.0.1:${opts.port} closed before PONG`)))
    sock.once('connect', () => sock.write(commands.map(encode).join('')))
    sock.on('data', (chunk: string) => {
      buf += chunk
      const lines = buf.split('\r\n')
      if (lines.length <= commands.length) return
      const replies = lines.slice(0, commands.length)
      for (const r of replies) {
        if (/^-LOADING/.test(r)) return finish(undefined, false)
        if (r.startsWith('-')) return finish(new Error(`redis on port ${opts.port} answered ${r.slice(1)}`))
      }
      finish(undefined, replies[replies.length - 1] === '+PONG')
    })
  })
}
