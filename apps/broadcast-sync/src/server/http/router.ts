import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'

/** An error with an HTTP status and a stable `code`; the router answers `{ error: code, message }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'HttpError'
  }
}

export interface RouteContext {
  params: Record<string, string>
  body: () => Promise<unknown>
}

/** A JSON route returns `[status, body]`; a raw route writes the response itself. */
export type RouteHandler = (context: RouteContext) => Promise<[number, unknown]>
export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void

interface Route {
  method: string
  pattern: RegExp
  keys: string[]
  handler: RouteHandler | { raw: RawHandler }
}

const MAX_BODY_BYTES = 64 * 1024

/** A deliberately tiny router: `/api/orders/:id` paths, JSON in and out, plus raw routes for the page. */
export class Router {
  private readonly routes: Route[] = []

  add(method: string, path: string, handler: RouteHandler): this {
    return this.push(method, path, handler)
  }

  raw(method: string, path: string, handler: RawHandler): this {
    return this.push(method, path, { raw: handler })
  }

  private push(method: string, path: string, handler: Route['handler']): this {
    const keys: string[] = []
    const source = path
      .split('/')
      .map((part) => {
        if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        keys.push(part.slice(1))
        return '([^/]+)'
      })
      .join('/')
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), keys, handler })
    return this
  }

  /** The request listener; `onError` hears unexpected errors (answered 500). */
  listener(onError: (error: unknown) => void): RequestListener {
    return (req, res) => {
      const { pathname } = new URL(req.url ?? '/', 'http://localhost')
      const allowed: string[] = []
      for (const route of this.routes) {
        const found = route.pattern.exec(pathname)
        if (!found) continue
        if (route.method !== req.method) {
          allowed.push(route.method)
          continue
        }
        if ('raw' in route.handler) return route.handler.raw(req, res)
        const params = Object.fromEntries(
          route.keys.map((key, i) => [key, decodeURIComponent(found[i + 1]!)]),
        )
        route.handler({ params, body: () => readJson(req) }).then(
          ([status, body]) => sendJson(res, status, body),
          (error: unknown) => {
            if (error instanceof HttpError) {
              sendJson(res, error.status, { error: error.code, message: error.message })
              return
            }
            onError(error)
            sendJson(res, 500, { error: 'internal', message: 'internal error' })
          },
        )
        return
      }
      if (allowed.length > 0) {
        res.setHeader('allow', allowed.join(', '))
        sendJson(res, 405, { error: 'method_not_allowed', message: `use ${allowed.join(' or ')}` })
        return
      }
      sendJson(res, 404, { error: 'not_found', message: `no route for ${req.method} ${pathname}` })
    }
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'body_too_large', `body over ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, 'invalid_json', 'the request body is not JSON')
  }
}
