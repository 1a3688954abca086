import type { OrderRequest, OrderResult, SubmitOutcome } from '../../src/index.js'

export interface Answer<T> {
  status: number
  body: T
  replayed: boolean
}

/** The order API over HTTP, as a client calls it. */
export class OrdersClient {
  constructor(readonly baseUrl: string) {}

  async submit(
    key: string | undefined,
    order: OrderRequest | Record<string, unknown>,
  ): Promise<Answer<SubmitOutcome>> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (key !== undefined) headers['idempotency-key'] = key
    const response = await fetch(`${this.baseUrl}/orders`, {
      method: 'POST',
      headers,
      body: JSON.stringify(order),
      signal: AbortSignal.timeout(20_000),
    })
    return {
      status: response.status,
      body: (await response.json()) as SubmitOutcome,
      replayed: response.headers.get('idempotent-replayed') === 'true',
    }
  }

  async get(id: string): Promise<Answer<OrderResult>> {
    const response = await fetch(`${this.baseUrl}/orders/${id}`, { signal: AbortSignal.timeout(20_000) })
    return { status: response.status, body: (await response.json()) as OrderResult, replayed: false }
  }
}

/** A valid order whose content depends on `n`. */
export function orderNo(n: number, fills = 1): OrderRequest {
  return {
    symbol: n % 2 ? 'ACME' : 'INIT',
    side: n % 3 ? 'buy' : 'sell',
    quantity: `${n}.5`,
    price: `10.${n}`,
    fills,
  }
}
