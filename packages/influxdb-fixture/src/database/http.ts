import http from 'node:http'
import https from 'node:https'

export interface HttpResponse {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

export interface HttpRequest {
  method: 'GET' | 'POST'
  path: string
  params?: Record<string, string | undefined>
  body?: string
  contentType?: string
  timeoutMs: number
}

/**
 * The HTTP client behind the fixture's helpers: node's http with one keep-alive agent per handle, destroyed
 * on stop/restart (an idle pooled socket would otherwise hold up a graceful server stop).
 */
export class HttpClient {
  readonly origin: string
  readonly #auth: string | undefined
  #agent: http.Agent

  constructor(origin: string, credentials?: { username: string; password: string }) {
    this.origin = origin
    this.#auth = credentials?.username
      ? `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`
      : undefined
    this.#agent = this.#newAgent()
  }

  #newAgent(): http.Agent {
    const Agent = this.origin.startsWith('https:') ? https.Agent : http.Agent
    return new Agent({ keepAlive: true, maxSockets: 16 })
  }

  request(req: HttpRequest): Promise<HttpResponse> {
    const url = new URL(req.path, this.origin)
    for (const [k, v] of Object.entries(req.params ?? {})) if (v !== undefined) url.searchParams.set(k, v)
    const headers: Record<string, string> = {}
    if (this.#auth) headers.authorization = this.#auth
    if (req.body !== undefined) {
      headers['content-type'] = req.contentType ?? 'text/plain; charset=utf-8'
      headers['content-length'] = String(Buffer.byteLength(req.body))
    }
    const lib = url.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      const r = lib.request(url, { method: req.method, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        res.on('error', reject)
      })
      r.setTimeout(req.timeoutMs, () =>
        r.destroy(new Error(`no answer from ${url.origin}${url.pathname} within ${req.timeoutMs} ms`)),
      )
      r.on('error', reject)
      r.end(req.body)
    })
  }

  /** Drops the pooled sockets; later requests open new ones. */
  resetSockets(): void {
    this.#agent.destroy()
    this.#agent = this.#newAgent()
  }

  close(): void {
    this.#agent.destroy()
  }
}
