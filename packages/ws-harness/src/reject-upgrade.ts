import http from 'node:http'
import type { Duplex } from 'node:stream'

/** Answers a WebSocket upgrade request with a plain HTTP error `status` and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number): void {
  const text = http.STATUS_CODES[status] ?? 'Error'
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  )
  setTimeout(() => socket.destroy(), 100).unref()
}
