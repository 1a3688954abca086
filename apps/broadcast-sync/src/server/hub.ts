import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import { type RawData, type WebSocket, WebSocketServer } from 'ws'
import { type BroadcastEvent, type ClientFrame, parseClientFrame, type ServerFrame } from '../protocol.js'
import { ChannelRegistry } from './channel-registry.js'

/** Where subscriptions go upstream: the Redis broadcaster (or anything with the same two methods). */
export interface Upstream {
  subscribe(channels: readonly string[]): Promise<void>
  unsubscribe(channels: readonly string[]): Promise<void>
}

export interface HubOptions {
  server: Server
  path: string
  upstream: Upstream
  /** Ping every client this often; one that missed two pings is dropped. Default 30 s. */
  heartbeatIntervalMs?: number
  /** Largest accepted frame; larger ones close the connection with 1009. Default 64 KiB. */
  maxPayload?: number
}

interface Client {
  id: string
  socket: WebSocket
  /** Frames are handled one after another, so subscribe/unsubscribe keep their order. */
  queue: Promise<void>
  missedPings: number
}

/**
 * The WebSocket endpoint: channel subscribe/unsubscribe per client, and local fan-out of every event the
 * upstream delivers. A malformed frame gets an `error` frame; the connection stays open.
 */
export class Hub {
  private readonly wss: WebSocketServer
  private readonly clients = new Map<WebSocket, Client>()
  private readonly registry = new ChannelRegistry<Client>()
  private readonly heartbeat: NodeJS.Timeout

  constructor(private readonly options: HubOptions) {
    this.wss = new WebSocketServer({
      server: options.server,
      path: options.path,
      maxPayload: options.maxPayload ?? 64 * 1024,
    })
    this.wss.on('connection', (socket) => this.onConnection(socket))
    this.heartbeat = setInterval(() => this.checkHeartbeats(), options.heartbeatIntervalMs ?? 30_000)
    this.heartbeat.unref()
  }

  get clientCount(): number {
    return this.clients.size
  }

  /** How many of this instance's clients listen to `channel`. */
  subscriberCount(channel: string): number {
    return this.registry.count(channel)
  }

  /** Sends `event` to this instance's clients on its channel (serialized once); returns how many. */
  deliver(event: BroadcastEvent): number {
    const members = this.registry.members(event.channel)
    if (members.size === 0) return 0
    const frame = JSON.stringify({ type: 'event', ...event } satisfies ServerFrame)
    let sent = 0
    for (const client of members) {
      if (client.socket.readyState !== client.socket.OPEN) continue
      client.socket.send(frame)
      sent++
    }
    return sent
  }

  /**
   * Drops every client, as a crash or a network cut would: without a close handshake (clients see 1006),
   * or with `code` when given. Returns how many.
   */
  dropAll(code?: number, reason?: string): number {
    const sockets = [...this.clients.keys()]
    for (const socket of sockets) {
      if (code === undefined) socket.terminate()
      else socket.close(code, reason)
    }
    return sockets.length
  }

  /** Closes every client (1001) and stops accepting connections. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat)
    for (const socket of this.clients.keys()) socket.close(1001, 'server shutting down')
    const deadline = setTimeout(() => {
      for (const socket of this.clients.keys()) socket.terminate()
    }, 1_000)
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
    clearTimeout(deadline)
  }

  private onConnection(socket: WebSocket): void {
    const client: Client = { id: randomUUID(), socket, queue: Promise.resolve(), missedPings: 0 }
    this.clients.set(socket, client)
    send(socket, { type: 'welcome', clientId: client.id })
    socket.on('message', (data: RawData, isBinary: boolean) => {
      client.queue = client.queue.then(() => this.onFrame(client, data, isBinary))
    })
    socket.on('pong', () => {
      client.missedPings = 0
    })
    socket.on('error', () => {}) // e.g. an oversized frame: 'close' follows
    socket.on('close', () => {
      this.clients.delete(socket)
      const emptied = this.registry.removeMember(client)
      if (emptied.length > 0) void this.options.upstream.unsubscribe(emptied)
    })
  }

  private async onFrame(client: Client, data: RawData, isBinary: boolean): Promise<void> {
    if (isBinary) {
      send(client.socket, { type: 'error', code: 'binary_not_supported', message: 'send JSON text frames' })
      return
    }
    const frame = parseClientFrame(data.toString())
    if ('error' in frame) {
      send(client.socket, { type: 'error', code: frame.error, message: frame.message })
      return
    }
    await this.handle(client, frame)
  }

  private async handle(client: Client, frame: ClientFrame): Promise<void> {
    switch (frame.type) {
      case 'ping':
        send(client.socket, frame.id === undefined ? { type: 'pong' } : { type: 'pong', id: frame.id })
        return
      case 'subscribe': {
        if (client.socket.readyState !== client.socket.OPEN) return
        this.registry.add(client, frame.channels)
        // wait for upstream (Redis) so that an event published after the ack is sure to arrive
        await this.options.upstream.subscribe(frame.channels)
        send(client.socket, { type: 'subscribed', channels: frame.channels })
        return
      }
      case 'unsubscribe': {
        const emptied = this.registry.remove(client, frame.channels)
        if (emptied.length > 0) await this.options.upstream.unsubscribe(emptied)
        send(client.socket, { type: 'unsubscribed', channels: frame.channels })
        return
      }
    }
  }

  private checkHeartbeats(): void {
    for (const client of this.clients.values()) {
      if (client.missedPings >= 2) {
        client.socket.terminate()
        continue
      }
      client.missedPings++
      client.socket.ping()
    }
  }
}

function send(socket: WebSocket, frame: ServerFrame): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame))
}
