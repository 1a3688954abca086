import type { IncomingMessage, ServerResponse } from 'node:http'
import { IdempotencyConflictError, ValidationError } from '../errors.js'
import type { TradingService } from '../trading-service.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const MAX_BODY = 64 * 1024

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new ValidationError('body', `is larger than ${MAX_BODY} bytes`)
    chunks.push(chunk as Buffer)
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new ValidationError('body', 'is not valid JSON')
  }
}

/**
 * `POST /orders` (header `Idempotency-Key`): 201 with the result when executed, 200 with the original's
 * result for a duplicate (header `Idempotent-Replayed: true`); 400 bad input, 422 key reused for another
 * order. `GET /orders/:id`, `GET /stats`.
 */
export function createRouter(service: TradingService, stats: () => unknown, onError: (err: unknown) => void) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (req.method === 'POST' && url.pathname === '/orders') {
        const outcome = await service.submit(req.headers['idempotency-key'], await readJson(req))
        const replayed: Record<string, string> = outcome.duplicate ? { 'idempotent-replayed': 'true' } : {}
        send(res, outcome.duplicate ? 200 : 201, outcome, replayed)
        return
      }
      const match = /^\/orders\/([^/]+)$/.exec(url.pathname)
      if (req.method === 'GET' && match) {
        const id = match[1] ?? ''
        const found = UUID.test(id) ? await service.find(id) : undefined
        if (found) send(res, 200, found)
        else send(res, 404, { error: 'not_found', message: `no order ${id}` })
        return
      }
      if (req.method === 'GET' && url.pathname === '/stats') {
        send(res, 200, stats())
        return
      }
      send(res, 404, { error: 'not_found', message: `${req.method} ${url.pathname}` })
    } catch (err) {
      if (err instanceof ValidationError)
        send(res, 400, { error: 'invalid', field: err.field, message: err.message })
      else if (err instanceof IdempotencyConflictError)
        send(res, 422, { error: 'conflict', message: err.message })
      else {
        onError(err)
        send(res, 500, { error: 'internal', message: 'the order could not be processed' })
      }
    }
  }
}
