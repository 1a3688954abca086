import type { ClientRequest, IncomingMessage } from 'node:http'
import type WebSocket from 'ws'
import { WsConnectError } from '../errors.js'
import { toBuffer } from './message.js'
import type { MessageInbox } from './message-inbox.js'

/** What the server's 101 response told the client. */
export interface Upgrade {
  headers: IncomingMessage['headers']
  tcp: { localPort?: number } | undefined
}

/**
 * One client socket's handshake and inbox, kept on the socket so that one shared set of listener
 * functions (`this` is the socket) serves every client: no closures per connection.
 */
export class Opening implements Upgrade {
  headers: IncomingMessage['headers'] = {}
  tcp: { localPort?: number } | undefined = undefined
  settled = false

  constructor(
    readonly url: string,
    readonly inbox: MessageInbox,
    /** Builds what the handshake resolves with (a shared function, not a closure per socket). */
    readonly make: (socket: WebSocket, opening: Opening) => unknown,
    public resolve: ((value: unknown) => void) | undefined,
    public reject: ((err: WsConnectError) => void) | undefined,
  ) {}
}

const OPENING: unique symbol = Symbol('ws-harness handshake')
interface OpeningSocket extends WebSocket {
  [OPENING]: Opening
}
const openingOf = (socket: WebSocket): Opening => (socket as OpeningSocket)[OPENING]

/**
 * Wires a new client socket to `inbox` (messages, close) and resolves with `make(socket, opening)` once
 * it is open; rejects with a {@link WsConnectError} (with the HTTP status and body when the server
 * refused the upgrade) when the handshake fails.
 */
export function awaitOpen<T>(
  socket: WebSocket,
  url: string,
  inbox: MessageInbox,
  make: (socket: WebSocket, opening: Opening) => T,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const opening = new Opening(url, inbox, make, resolve as (value: unknown) => void, reject)
    ;(socket as OpeningSocket)[OPENING] = opening
    socket.on('error', onError)
    socket.on('message', onMessage)
    socket.on('close', onClose)
    socket.on('upgrade', onUpgrade)
    socket.on('unexpected-response', onUnexpectedResponse)
    socket.once('open', onOpen)
  })
}

function settle(socket: WebSocket, err?: WsConnectError): void {
  const o = openingOf(socket)
  if (o.settled) return
  o.settled = true
  const { resolve, reject } = o
  o.resolve = o.reject = undefined
  if (!err) {
    resolve?.(o.make(socket, o))
    return
  }
  socket.terminate()
  reject?.(err)
}

// After the handshake, 'error' is always followed by 'close'; the inbox reports it then.
function onError(this: WebSocket, err: Error): void {
  const o = openingOf(this)
  if (!o.settled) settle(this, new WsConnectError(o.url, err.message, { cause: err }))
}

function onMessage(this: WebSocket, data: WebSocket.RawData, isBinary: boolean): void {
  openingOf(this).inbox.push(toBuffer(data), isBinary)
}

function onClose(this: WebSocket, code: number, reason: Buffer): void {
  const o = openingOf(this)
  o.inbox.markClosed({ code, reason: reason.toString('utf8') })
  // an Error captures a stack: build it only when it is thrown, not on every later close
  if (!o.settled) settle(this, new WsConnectError(o.url, `closed during the handshake (code ${code})`))
}

function onUpgrade(this: WebSocket, res: IncomingMessage): void {
  const o = openingOf(this)
  o.headers = res.headers
  o.tcp = res.socket
}

function onOpen(this: WebSocket): void {
  settle(this)
}

function onUnexpectedResponse(this: WebSocket, req: ClientRequest, res: IncomingMessage): void {
  const { url } = openingOf(this)
  const chunks: Buffer[] = []
  let size = 0
  const done = () => {
    req.destroy()
    const body = Buffer.concat(chunks).toString('utf8')
    const status = `${res.statusCode} ${res.statusMessage ?? ''}`.trim()
    settle(
      this,
      new WsConnectError(url, `the server answered HTTP ${status}`, { status: res.statusCode, body }),
    )
  }
  res.on('data', (c: Buffer) => {
    if (size < 4096) chunks.push(c)
    size += c.length
  })
  res.on('end', done)
  res.on('error', done)
  setTimeout(done, 500).unref()
}
