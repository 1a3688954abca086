import net from 'node:net'

export interface PingOptions {
  host?: string
  port: number
  username?: string
  password?: string
  timeoutMs?: number
  signal?: AbortSignal
  /**
   * The pid the answering server must have (`INFO server` → `process_id`): proves the answer comes from
   * our process and not from another server that won the race for the port. A mismatch rejects.
   */
  expectPid?: number
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
    if (opts.expectPid !== undefined) commands.push(['INFO', 'server'])
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
      const replies = parseSimpleReplies(buf, commands.length)
      if (!replies) return
      for (const r of replies) {
        if (/^-LOADING/.test(r)) return finish(undefined, false)
        if (r.startsWith('-')) return finish(new Error(`redis on port ${opts.port} answered ${r.slice(1)}`))
      }
      const pong = replies[opts.expectPid !== undefined ? replies.length - 2 : replies.length - 1]
      if (opts.expectPid !== undefined) {
        const pid = /process_id:(\d+)/.exec(replies[replies.length - 1] ?? '')?.[1]
        if (Number(pid) !== opts.expectPid) {
          return finish(
            new Error(
              `port ${opts.port} is answered by pid ${pid}, not by our redis (pid ${opts.expectPid})`,
            ),
          )
        }
      }
      finish(undefined, pong === '+PONG')
    })
  })
}

/**
 * Splits `count` RESP replies off the front of `buf`: simple strings/errors/integers as their line, bulk
 * strings as their content. Undefined until all are complete. (Enough for AUTH/PING/INFO.)
 */
export function parseSimpleReplies(buf: string, count: number): string[] | undefined {
  const out: string[] = []
  let pos = 0
  while (out.length < count) {
    const eol = buf.indexOf('\r\n', pos)
    if (eol < 0) return undefined
    const line = buf.slice(pos, eol)
    if (line.startsWith('$')) {
      const len = Number(line.slice(1))
      if (len < 0) {
        out.push('')
        pos = eol + 2
        continue
      }
      // INFO is ASCII, so string length = byte length
      if (buf.length < eol + 2 + len + 2) return undefined
      out.push(buf.slice(eol + 2, eol + 2 + len))
      pos = eol + 2 + len + 2
    } else {
      out.push(line)
      pos = eol + 2
    }
  }
  return out
}
