import net from 'node:net'

/** One Kafka request per short-lived connection: frame it, send it, read back the one response. */

export interface WireOptions {
  timeoutMs?: number
  signal?: AbortSignal
}

/** Sends one request frame and resolves with the response body (after the correlation id). */
export function roundTrip(host: string, port: number, frame: Buffer, opts: WireOptions): Promise<Buffer> {
  const timeoutMs = opts.timeoutMs ?? 2_000
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port })
    let chunks: Buffer[] = []
    let received = 0
    let settled = false
    const finish = (err: Error | undefined, body?: Buffer) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      socket.destroy()
      if (err) reject(err)
      else resolve(body!)
    }
    const onAbort = () => finish(new Error(`request to ${host}:${port} aborted`))
    const timer = setTimeout(
      () => finish(new Error(`no answer from ${host}:${port} within ${timeoutMs} ms`)),
      timeoutMs,
    )
    timer.unref?.()
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    socket.setNoDelay(true)
    socket.once('error', (err) => finish(err))
    socket.once('close', () => finish(new Error(`${host}:${port} closed the connection`)))
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      received += chunk.length
      if (received < 4) return
      const all = Buffer.concat(chunks)
      chunks = [all]
      const size = all.readInt32BE(0)
      if (all.length < 4 + size) return
      // skip the correlation id: one request per connection
      finish(undefined, all.subarray(8, 4 + size))
    })
    socket.once('connect', () => socket.write(frame))
  })
}

/** A request frame: int32 size, then header and body. */
export function frame(header: Buffer, body: Buffer): Buffer {
  const size = Buffer.alloc(4)
  size.writeInt32BE(header.length + body.length)
  return Buffer.concat([size, header, body])
}
