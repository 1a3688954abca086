import type { NewOrder, Order, OrderChanges, OrderWriteResult } from '../order.js'

/** The API answered with an error status; `code` is its `error` field (e.g. `invalid_order`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

export interface OrdersApiOptions {
  /** Per request. Default 10 000 ms. */
  timeoutMs?: number
  fetch?: typeof fetch
}

/** The orders REST API over `fetch` (browser and Node). */
export class OrdersApi {
  constructor(
    readonly baseUrl: string,
    private readonly options: OrdersApiOptions = {},
  ) {}

  list(): Promise<Order[]> {
    return this.request('GET', '/api/orders')
  }

  get(id: string): Promise<Order> {
    return this.request('GET', `/api/orders/${encodeURIComponent(id)}`)
  }

  create(order: NewOrder): Promise<OrderWriteResult> {
    return this.request('POST', '/api/orders', order)
  }

  update(id: string, changes: OrderChanges): Promise<OrderWriteResult> {
    return this.request('PATCH', `/api/orders/${encodeURIComponent(id)}`, changes)
  }

  /** Publishes any event on any channel (202), through Redis to every instance. */
  broadcast(channel: string, event: string, payload: unknown): Promise<{ id: string; instances: number }> {
    return this.request('POST', '/api/broadcast', { channel, event, payload })
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? 10_000
    const response = await (this.options.fetch ?? fetch)(new URL(path, this.baseUrl), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    })
    const text = await response.text()
    const parsed = text === '' ? undefined : (JSON.parse(text) as unknown)
    if (!response.ok) {
      const error = parsed as { error?: string; message?: string } | undefined
      throw new ApiError(
        response.status,
        error?.error ?? 'http_error',
        `${method} ${path} → ${response.status}: ${error?.message ?? text}`,
      )
    }
    return parsed as T
  }
}
