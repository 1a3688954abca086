import http from 'node:http'
import type { Duplex } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import { PortInUseError, withTimeout } from '@infra/fixture-core'

/** Listens once on `host:port` (exclusive); EADDRINUSE becomes a {@link PortInUseError}. */
export function listenOnce(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(port, err.message) : err)
    }
    const onListening = () => {
      server.off('error', onError)
      resolve()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen({ port, host, exclusive: true })
  })
}

/** Waits (bounded) for an attached, not yet listening http.Server to start listening. */
export function waitUntilListening(server: http.Server, timeoutMs: number): Promise<void> {
  return withTimeout(
    new Promise<void>((resolve) => server.once('listening', () => resolve())),
    timeoutMs,
    'the attached http.Server to start listening',
  )
}

/** Listens on the same port again, retrying while the port is still in use, for at most `retryForMs`. */
export async function listenAgain(
  server: http.Server,
  port: number,
  host: string,
  retryForMs: number,
): Promise<void> {
  const deadline = Date.now() + retryForMs
  for (;;) {
    try {
      await listenOnce(server, port, host)
      break
    } catch (err) {
      if (!(err instanceof PortInUseError) || Date.now() > deadline) throw err
      await sleep(50)
    }
  }
}

/** Answers a WebSocket upgrade request with a plain HTTP error `status` and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number): void {
  const text = http.STATUS_CODES[status] ?? 'Error'
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  )
  setTimeout(() => socket.destroy(), 100).unref()
}
