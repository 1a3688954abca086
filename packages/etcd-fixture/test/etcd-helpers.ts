import net from 'node:net'
import { waitFor } from '@infra/fixture-core'
import type { Namespace, Watcher } from 'etcd3'

/** Puts until one attempt succeeds (each attempt with its own short deadline); bounded by `timeoutMs`. */
export async function putUntilOk(
  client: Namespace,
  key: string,
  value: string,
  { attemptMs = 250, timeoutMs = 10_000 } = {},
): Promise<number> {
  let attempts = 0
  await waitFor(
    async () => {
      attempts++
      await client
        .put(key)
        .value(value)
        .options({ deadline: Date.now() + attemptMs })
      return true
    },
    { what: `a put of '${key}' to succeed`, timeoutMs, intervalMs: 0 },
  )
  return attempts
}

export interface SeenEvent {
  key: string
  value: string
  modRevision: number
}

/** A watch on `prefix` of `client` that records every put, in arrival order. */
export async function recordPuts(
  client: Namespace,
  prefix: string,
): Promise<{ watcher: Watcher; seen: SeenEvent[] }> {
  const seen: SeenEvent[] = []
  const watcher = await client.watch().prefix(prefix).create()
  watcher.on('put', (kv) => {
    seen.push({ key: kv.key.toString(), value: kv.value.toString(), modRevision: Number(kv.mod_revision) })
  })
  watcher.on('error', () => {}) // reconnects by itself; the assertions show what arrived
  return { watcher, seen }
}

/** A TCP forwarder on loopback (a stand-in for a proxy in front of a peer port); counts its connections. */
export async function startForwarder(upstreamPort: number): Promise<{
  url: string
  connections: () => number
  close: () => Promise<void>
}> {
  const sockets = new Set<net.Socket>()
  let connections = 0
  const server = net.createServer((client) => {
    connections++
    const upstream = net.connect(upstreamPort, '127.0.0.1')
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => {
        sockets.delete(s)
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve))
  const { port } = server.address() as net.AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
