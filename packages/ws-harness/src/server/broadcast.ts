import WebSocket from 'ws'
import type { ServerConnection } from './server-connection.js'

/**
 * Sends one message to every open connection of `conns` that `filter` accepts; returns how many got it.
 * Strings go as text, Buffers/Uint8Arrays as binary, anything else as JSON text. Encoded once.
 */
export function broadcast(
  conns: Iterable<ServerConnection>,
  data: unknown,
  filter?: (conn: ServerConnection) => boolean,
): number {
  const binary = data instanceof Uint8Array
  const payload = binary ? data : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data), 'utf8')
  let n = 0
  for (const conn of conns) {
    if (filter && !filter(conn)) continue
    if (conn.socket.readyState !== WebSocket.OPEN) continue
    conn.socket.send(payload, { binary })
    n++
  }
  return n
}
