// Shared by this package's tests only (not exported): a small pub/sub server like the seeds' apps.
import { startWsServer, type WsServer } from './server/server.js'
import type { WsServerOptions } from './server/server-options.js'

/**
 * Protocol: `{type:'subscribe', channel}` → `{type:'subscribed', channel}`;
 * `{type:'publish', channel, data}` → `{type:'event', channel, data, seq}` to every subscriber of `channel`.
 */
export async function startChannelServer(opts: WsServerOptions = {}): Promise<WsServer> {
  let seq = 0
  const server: WsServer = await startWsServer({
    ...opts,
    onConnection: (conn) => {
      const channels = new Set<string>()
      conn.state.channels = channels
      conn.onMessage((m) => {
        const msg = m.json as { type: string; channel: string; data?: unknown }
        if (msg.type === 'subscribe') {
          channels.add(msg.channel)
          conn.sendJson({ type: 'subscribed', channel: msg.channel })
        } else if (msg.type === 'publish') {
          server.broadcast({ type: 'event', channel: msg.channel, data: msg.data, seq: ++seq }, (c) =>
            (c.state.channels as Set<string>).has(msg.channel),
          )
        }
      })
    },
  })
  return server
}
