import WebSocket from 'ws'
import { waitUntil } from './wait.js'

// biome-ignore lint/suspicious/noExplicitAny: frames are read freely in tests
type Frame = any

/** A WebSocket user of the service: joins conversations and collects the message frames it receives. */
export class ChatClient {
  readonly frames: Frame[] = []
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => this.frames.push(JSON.parse(data.toString())))
  }

  static async open(baseUrl: string, userId: string): Promise<ChatClient> {
    const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws?userId=${userId}`)
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve())
      socket.once('error', reject)
    })
    return new ChatClient(socket)
  }

  async join(conversationId: string): Promise<void> {
    this.socket.send(JSON.stringify({ type: 'join', conversationId }))
    await waitUntil(`joined ${conversationId}`, () =>
      this.frames.some((f) => f.type === 'joined' && f.conversationId === conversationId),
    )
  }

  messages(conversationId?: string): Frame[] {
    return this.frames
      .filter((f) => f.type === 'message')
      .map((f) => f.message)
      .filter((m) => conversationId === undefined || m.conversationId === conversationId)
  }

  async waitForMessages(n: number, timeoutMs = 60_000): Promise<Frame[]> {
    await waitUntil(`${n} messages on the WebSocket`, () => this.messages().length >= n, { timeoutMs })
    return this.messages()
  }

  close(): void {
    this.socket.terminate()
  }
}

export async function api(baseUrl: string, method: string, path: string, body?: unknown) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  })
  // biome-ignore lint/suspicious/noExplicitAny: tests read bodies freely
  return { status: response.status, body: (await response.json()) as any }
}
