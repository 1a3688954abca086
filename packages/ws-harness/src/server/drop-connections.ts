import WebSocket from 'ws'
import { ServerConnection } from './server-connection.js'

/** Which connections to act on: one, several, or those a predicate accepts. */
export type DropTarget = ServerConnection | Iterable<ServerConnection> | ((conn: ServerConnection) => boolean)

export const DEFAULT_DROP_TIMEOUT_MS = 2_000

/** Resolves a {@link DropTarget} against the open connections. */
export function selectConnections(
  target: DropTarget,
  open: ReadonlySet<ServerConnection>,
): ServerConnection[] {
  if (target instanceof ServerConnection) return [target]
  if (typeof target === 'function') return [...open].filter(target)
  return [...target]
}

/**
 * Disconnects the not yet closed ones of `conns`: with `code` by a close handshake (terminated after
 * `timeoutMs`), without it by cutting the TCP connection. Resolves once all are closed with how many.
 */
export async function dropConnections(
  conns: readonly ServerConnection[],
  code: number | undefined,
  reason: string | undefined,
  timeoutMs: number,
): Promise<number> {
  const dropped = conns.filter((c) => c.socket.readyState !== WebSocket.CLOSED)
  for (const c of dropped) {
    if (code === undefined) c.terminate()
    else c.close(code, reason)
  }
  await Promise.all(
    dropped.map(async (c) => {
      let timer: NodeJS.Timeout | undefined
      const timedOut = await Promise.race([
        c.closed.then(() => false),
        new Promise<boolean>((r) => {
          timer = setTimeout(() => r(true), timeoutMs)
        }),
      ])
      clearTimeout(timer)
      if (timedOut) {
        c.terminate()
        await c.closed
      }
    }),
  )
  return dropped.length
}
