import type { IncomingMessage, Server } from 'node:http'
import { type RawData, type WebSocket, WebSocketServer } from 'ws'
import type { SessionsRepository } from '../db/sessions-repository.js'
import { HttpError } from '../http-error.js'
import type { MapPresenceService } from '../map-presence-service.js'
import { httpErrorFromPg } from '../pg-errors.js'
import { isUuid } from '../validation.js'
import type { MapRooms, RoomMember } from './map-rooms.js'
import { parseClientMessage, type ServerMessage } from './messages.js'

/** Close codes the hub uses (4000–4999 are for applications). */
export const CloseCodes = {
  sessionEnded: 4000,
  badRequest: 4400,
  forbidden: 4403,
  notFound: 4404,
  shuttingDown: 1001,
} as const

export interface MapHubDeps {
  server: Server
  path: string
  rooms: MapRooms
  sessions: SessionsRepository
  service: MapPresenceService
  /**
   * Every interval the hub pings each client; one that has answered none of the last two pings is
   * terminated (a half-open connection: a vanished phone, a dead NAT entry) and announced as left.
   * Default 30 s.
   */
  heartbeatIntervalMs?: number
}

/**
 * The WebSocket endpoint: `ws://host/ws?sessionId=…&userId=…&mapId=…`. A client whose session does not
 * exist, has ended, or belongs to another user or map is closed with 4404/4403. On connect it gets a
 * `welcome` with the map's peers, and the map gets `presence_joined`; moves it sends are applied like
 * HTTP moves and broadcast to its map only.
 */
export class MapHub {
  private readonly wss: WebSocketServer
  /** Pings sent since the client's last pong. */
  private readonly unanswered = new WeakMap<WebSocket, number>()
  private readonly heartbeat: NodeJS.Timeout

  constructor(private readonly deps: MapHubDeps) {
    this.wss = new WebSocketServer({ server: deps.server, path: deps.path, maxPayload: 64 * 1024 })
    this.wss.on('connection', (socket, request) => this.onConnection(socket, request))
    this.heartbeat = setInterval(() => this.checkHeartbeats(), deps.heartbeatIntervalMs ?? 30_000)
    this.heartbeat.unref()
  }

  private checkHeartbeats(): void {
    for (const socket of this.wss.clients) {
      const missed = this.unanswered.get(socket) ?? 0
      if (missed >= 2) {
        socket.terminate() // 'close' follows: the room forgets it and the map hears presence_left
        continue
      }
      this.unanswered.set(socket, missed + 1)
      socket.ping()
    }
  }

  get clientCount(): number {
    return this.wss.clients.size
  }

  /** Closes every client (1001) and the server. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat)
    for (const socket of this.wss.clients) socket.close(CloseCodes.shuttingDown, 'server shutting down')
    const deadline = setTimeout(() => {
      for (const socket of this.wss.clients) socket.terminate()
    }, 1_000)
    await new Promise<void>((resolve) => this.wss.close(() => resolve()))
    clearTimeout(deadline)
  }

  private onConnection(socket: WebSocket, request: IncomingMessage): void {
    // queue frames that arrive while the session is being checked, and handle them in order afterwards
    let member: RoomMember | undefined
    const ready = this.admit(socket, request).then((admitted) => {
      member = admitted
    })
    socket.on('message', (data: RawData, isBinary) => {
      void ready.then(() => {
        if (member) this.onMessage(member, isBinary ? '' : data.toString())
      })
    })
    socket.on('close', () => {
      void ready.then(() => {
        if (!member) return
        this.deps.rooms.remove(member)
        this.deps.rooms.broadcast(member.mapId, {
          type: 'presence_left',
          data: { sessionId: member.sessionId, userId: member.userId },
        })
      })
    })
    socket.on('error', () => {})
    socket.on('pong', () => this.unanswered.set(socket, 0))
  }

  private async admit(socket: WebSocket, request: IncomingMessage): Promise<RoomMember | undefined> {
    const query = new URL(request.url ?? '/', 'http://localhost').searchParams
    const sessionId = query.get('sessionId')
    const userId = query.get('userId')
    const mapId = query.get('mapId')
    if (!isUuid(sessionId) || !userId || !mapId) {
      socket.close(CloseCodes.badRequest, 'sessionId (UUID), userId and mapId are required')
      return undefined
    }
    try {
      const session = await this.deps.sessions.find(sessionId.toLowerCase())
      if (!session || session.endedAt) {
        socket.close(CloseCodes.notFound, 'no active session with this id')
        return undefined
      }
      if (session.userId !== userId || session.mapId !== mapId) {
        socket.close(CloseCodes.forbidden, 'the session belongs to another user or map')
        return undefined
      }
      const peers = await this.deps.service.peers(mapId)
      if (socket.readyState !== socket.OPEN) return undefined
      // synchronously: the welcome is the first frame, and every later broadcast follows it
      const member: RoomMember = { socket, sessionId: session.id, userId, mapId }
      this.deps.rooms.broadcast(mapId, { type: 'presence_joined', data: { sessionId: session.id, userId } })
      this.deps.rooms.add(member)
      send(socket, { type: 'welcome', data: { sessionId: session.id, mapId, peers } })
      await this.deps.service.touch(session)
      return member
    } catch {
      socket.close(1011, 'internal error')
      return undefined
    }
  }

  private onMessage(member: RoomMember, raw: string): void {
    const message = parseClientMessage(raw)
    if ('error' in message) {
      send(member.socket, { type: 'error', data: { code: 'invalid_message', message: message.error } })
      return
    }
    if (message.type === 'ping') {
      send(member.socket, { type: 'pong', data: { id: message.data.id } })
      return
    }
    this.deps.service.move(member.sessionId, message.data).catch((error: unknown) => {
      const http = error instanceof HttpError ? error : httpErrorFromPg(error)
      send(member.socket, {
        type: 'error',
        data: http
          ? { code: http.code, message: http.message }
          : { code: 'internal', message: 'move failed' },
      })
    })
  }
}

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
}
