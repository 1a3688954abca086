import type { IncomingMessage, ServerResponse } from 'node:http'
import { HttpError } from '../http-error.js'
import { httpErrorFromPg, isDatabaseUnavailable } from '../pg-errors.js'

export interface RouteContext {
  params: Record<string, string>
  body: () => Promise<unknown>
}

/** A handler returns `[status, body]`; thrown HttpErrors and Postgres integrity errors become 4xx. */
export type RouteHandler = (context: RouteContext) => Promise<[number, unknown]>

interface Route {
  method: string
  pattern: RegExp
  keys: string[]
  handler: RouteHandler
}

const MAX_BODY_BYTES = 64 * 1024

/** A deliberately tiny router: `/pois/:id/join` style paths, JSON in and out. */
export class Router {
  private readonly routes: Route[] = []

  add(method: string, path: string, handler: RouteHandler): this {
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

  /** Finds the route; `allowed` lists methods of a path that matched with another method. */
  match(
    method: string,
    pathname: string,
  ): { handler: RouteHandler; params: Record<string, string> } | { allowed: string[] } {
    const allowed: string[] = []
    for (const route of this.routes) {
      const found = route.pattern.exec(pathname)
      if (!found) continue
      if (route.method !== method) {
        allowed.push(route.method)
        continue
      }
      const params: Record<string, string> = {}
      route.keys.forEach((key, index) => {
        params[key] = decodeURIComponent(found[index + 1]!)
      })
      return { handler: route.handler, params }
    }
    return { allowed }
  }

  /** The `http.createServer` request listener. */
  listener(onError: (error: unknown) => void = () => {}) {
    return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
      try {
        const { pathname } = new URL(request.url ?? '/', 'http://localhost')
        const found = this.match(request.method ?? 'GET', pathname)
        if ('allowed' in found) {
          if (found.allowed.length > 0) {
            response.setHeader('allow', found.allowed.join(', '))
            throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed on ${pathname}`)
          }
          throw new HttpError(404, 'not_found', `no route for ${request.method} ${pathname}`)
        }
        const [status, body] = await found.handler({ params: found.params, body: () => readJson(request) })
        sendJson(response, status, body)
      } catch (error) {
        const http = error instanceof HttpError ? error : httpErrorFromPg(error)
        if (http) {
          sendJson(response, http.status, http.toBody())
        } else if (isDatabaseUnavailable(error)) {
          response.setHeader('retry-after', '1')
          sendJson(response, 503, {
            error: { code: 'database_unavailable', message: 'the database is unavailable' },
          })
        } else {
          onError(error)
          sendJson(response, 500, { error: { code: 'internal', message: 'internal server error' } })
        }
      }
    }
  }
}

export async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, 'payload_too_large', `bodies are limited to ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new HttpError(400, 'invalid_json', 'the request body is not valid JSON')
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) return
  const payload = status === 204 ? '' : JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  })
  response.end(payload)
}
