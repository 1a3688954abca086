import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ChatService } from '../chat-service.js'
import { DependencyUnavailableError, RequestError } from '../errors.js'

export async function handle(service: ChatService, req: IncomingMessage, res: ServerResponse) {
  try {
    const url = new URL(req.url ?? '/', 'http://x')
    const parts = url.pathname.split('/').filter(Boolean)
    if (req.method === 'GET' && url.pathname === '/health') {
      const health = await service.health()
      return send(res, health.status === 'ok' ? 200 : 503, health)
    }
    if (req.method === 'GET' && url.pathname === '/worker')
      return send(res, 200, await service.workerStatus())
    if (req.method === 'GET' && url.pathname === '/config') return send(res, 200, await service.readConfig())
    if (parts[0] === 'conversations' && parts[1] && parts[2] === 'messages') {
      if (req.method === 'POST') {
        const body = await readJson(req)
        if (typeof body.userId !== 'string' || typeof body.text !== 'string' || body.text.length === 0) {
          throw new RequestError(
            400,
            'bad_request',
            'body must be { userId: string, text: non-empty string }',
          )
        }
        return send(res, 201, { message: await service.send(parts[1], body.userId, body.text) })
      }
      if (req.method === 'GET') return send(res, 200, { messages: await service.history(parts[1]) })
    }
    if (parts[0] === 'presence' && parts[1]) {
      if (req.method === 'POST') {
        await service.presence.heartbeat(parts[1])
        return send(res, 200, { online: true })
      }
      if (req.method === 'GET') return send(res, 200, await service.presence.presence(parts[1]))
    }
    throw new RequestError(404, 'not_found', `no route ${req.method} ${url.pathname}`)
  } catch (error) {
    if (error instanceof RequestError) {
      return send(res, error.status, { error: { code: error.code, message: error.message } })
    }
    if (error instanceof DependencyUnavailableError) {
      service.report(error)
      return send(res, 503, {
        error: { code: 'dependency_unavailable', dependency: error.dependency, reason: error.reason },
      })
    }
    return send(res, 500, { error: { code: 'internal', message: String(error) } })
  }
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = ''
  for await (const chunk of req) text += chunk
  try {
    const value = JSON.parse(text)
    if (value && typeof value === 'object') return value
  } catch {}
  throw new RequestError(400, 'bad_json', 'body must be a JSON object')
}
