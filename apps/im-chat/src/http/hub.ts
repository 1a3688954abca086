import type { IncomingMessage, Server } from 'node:http'
import { type WebSocket, WebSocketServer } from 'ws'

/** WebSocket clients of this instance and the conversations each joined (`{ type: 'join', conversationId }`). */
export class Hub {
  private readonly wss: WebSocketServer
  private readonly joined = new Map<WebSocket, Set<string>>()

  constructor(server: Server) {
    this.wss = new WebSocketServer({ server, path: '/ws' })
    this.wss.on('connection', (socket, request) => this.accept(socket, request))
  }

  get clients(): number {
    return this.joined.size
  }

  /** Sends `frame` to every socket that joined `conversationId`; returns how many got it. */
  deliver(conversationId: string, frame: unknown): number {
    const text = JSON.stringify(frame)
    let count = 0
    for (const [socket, conversations] of this.joined) {
      if (conversations.has(conversationId) && socket.readyState === socket.OPEN) {
        socket.send(text)
        count++
      }
    }
    return count
  }

  close(): Promise<void> {
    for (const socket of this.joined.keys()) socket.terminate()
    return new Promise((resolve) => this.wss.close(() => resolve()))
  }

  private accept(socket: WebSocket, request: IncomingMessage): void {
    const userId = new URL(request.url ?? '/', 'http://x').searchParams.get('userId')
    if (!userId) {
      socket.close(1008, 'userId query parameter required')
      return
    }
    this.joined.set(socket, new Set())
    socket.on('close', () => this.joined.delete(socket))
    socket.on('message', (data) => {
      let frame: { type?: string; conversationId?: unknown }
      try {
        frame = JSON.parse(data.toString())
      } catch {
        socket.send(JSON.stringify({ type: 'error', reason: 'frames are JSON' }))
        return
      }
      if (frame.type === 'join' && typeof frame.conversationId === 'string') {
        this.joined.get(socket)?.add(frame.conversationId)
        socket.send(JSON.stringify({ type: 'joined', conversationId: frame.conversationId }))
      } else {
        socket.send(JSON.stringify({ type: 'error', reason: 'expected { type: "join", conversationId }' }))
      }
    })
  }
}
