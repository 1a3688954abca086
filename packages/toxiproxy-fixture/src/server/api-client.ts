import { FixtureError } from '@infra/fixture-core'

/** A Toxiproxy API call failed: the server's own message, the call, and its HTTP status. */
export class ToxiproxyApiError extends FixtureError {
  readonly status: number | undefined
  constructor(call: string, detail: string, status?: number, cause?: unknown) {
    super('TOXIPROXY_API', `Toxiproxy API ${call} failed: ${detail}`, { cause })
    this.status = status
  }
}

export type ToxicStream = 'upstream' | 'downstream'

export interface ProxyJson {
  name: string
  listen: string
  upstream: string
  enabled: boolean
  toxics: ToxicJson[]
}

export interface ToxicJson {
  name: string
  type: string
  stream: ToxicStream
  toxicity: number
  attributes: Record<string, number>
}

/**
 * The Toxiproxy HTTP API (https://github.com/Shopify/toxiproxy#http-api), on `fetch` with a finite timeout per
 * call. Written here rather than taken from `toxiproxy-node-client` because that client has no request
 * timeout and drops the server's error text (`proxy already exists`) in favour of a bare status code.
 */
export class ToxiproxyApi {
  constructor(
    readonly baseUrl: string,
    readonly timeoutMs = 5_000,
  ) {}

  version(): Promise<string> {
    return this.#call('GET', '/version', undefined, 'text') as Promise<string>
  }
  proxies(): Promise<Record<string, ProxyJson>> {
    return this.#call('GET', '/proxies') as Promise<Record<string, ProxyJson>>
  }
  createProxy(body: {
    name: string
    listen: string
    upstream: string
    enabled?: boolean
  }): Promise<ProxyJson> {
    return this.#call('POST', '/proxies', body) as Promise<ProxyJson>
  }
  updateProxy(name: string, body: Partial<Pick<ProxyJson, 'enabled' | 'upstream'>>): Promise<ProxyJson> {
    return this.#call('POST', `/proxies/${encodeURIComponent(name)}`, body) as Promise<ProxyJson>
  }
  async deleteProxy(name: string): Promise<void> {
    await this.#call('DELETE', `/proxies/${encodeURIComponent(name)}`, undefined, 'none')
  }
  addToxic(proxy: string, toxic: ToxicJson): Promise<ToxicJson> {
    return this.#call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, toxic) as Promise<ToxicJson>
  }
  async removeToxic(proxy: string, toxic: string): Promise<void> {
    const p = `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(toxic)}`
    await this.#call('DELETE', p, undefined, 'none')
  }
  /** Enables every proxy and removes every toxic (Toxiproxy's `POST /reset`). */
  async reset(): Promise<void> {
    await this.#call('POST', '/reset', undefined, 'none')
  }

  async #call(
    method: string,
    p: string,
    body?: unknown,
    as: 'json' | 'text' | 'none' = 'json',
  ): Promise<unknown> {
    const call = `${method} ${p}`
    let res: Response
    try {
      res = await fetch(`${this.baseUrl}${p}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? undefined : { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (err) {
      const e = err as Error
      const why = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : e.message
      throw new ToxiproxyApiError(call, `${why} (${this.baseUrl})`, undefined, err)
    }
    const text = await res.text()
    if (!res.ok) {
      let detail = text.trim() || res.statusText
      try {
        detail = (JSON.parse(text) as { error?: string }).error ?? detail
      } catch {}
      throw new ToxiproxyApiError(call, `${res.status} ${detail}`, res.status)
    }
    if (as === 'none') return undefined
    if (as === 'text') return text
    return JSON.parse(text)
  }
}
