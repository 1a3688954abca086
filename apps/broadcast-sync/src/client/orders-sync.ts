import { MutationObserver, QueryClient, QueryObserver } from '@tanstack/query-core'
import {
  type NewOrder,
  ORDERS_CHANNEL,
  type Order,
  type OrderChanges,
  type OrderEventPayload,
  type OrderWriteResult,
} from '../order.js'
import type { BroadcastClient } from './broadcast-client.js'
import type { CrossTabEmitter } from './cross-tab.js'
import type { OrdersApi } from './orders-api.js'
import { Listeners, waitUntil } from './wait.js'

export const ORDERS_QUERY_KEY = ['orders'] as const

/** What tabs tell each other about their own optimistic writes. */
export type OrdersTabMessage =
  | { type: 'order.optimistic'; order: Order }
  | { type: 'order.confirmed'; order: Order }
  | { type: 'order.rolledBack'; id: string; previous?: Order }

/** One line of the sync log: where a change came from, in the order it was seen. */
export interface SyncActivity {
  source: 'mutation' | 'ws' | 'crosstab' | 'fetch' | 'resync'
  type: string
  orderId?: string
  at: number
}

export interface OrdersSyncOptions {
  api: OrdersApi
  broadcast: BroadcastClient
  /** Other tabs of this browser (optional). */
  crossTab?: CrossTabEmitter<OrdersTabMessage>
  queryClient?: QueryClient
  onActivity?: (activity: SyncActivity) => void
}

/** An order as shown: `pending` while its write is not confirmed by the API. */
export type OrderView = Order & { pending: boolean }

type CreateInput = Omit<NewOrder, 'id'> & { id?: string }
interface Rollback {
  id: string
  previous: Order | undefined
}

/**
 * The order list as a TanStack Query cache, kept in sync three ways:
 * - writes are optimistic (shown at once as `pending`) and rolled back when the API rejects them;
 * - an `order.*` broadcast on the `orders` channel invalidates the list, which refetches; after a
 *   reconnect the list is refetched too (events sent while offline were missed);
 * - with `crossTab`, other tabs hear an optimistic write at once, before any server broadcast.
 */
export class OrdersSync {
  readonly queryClient: QueryClient
  private readonly observer: QueryObserver<Order[]>
  /** Optimistic entries (own or another tab's) not yet confirmed: kept across refetches. */
  private readonly pending = new Map<string, Order>()
  private readonly changes = new Listeners<OrderView[]>()
  private readonly stops: Array<() => void> = []
  private subscribedOnce = false

  constructor(private readonly options: OrdersSyncOptions) {
    this.queryClient =
      options.queryClient ?? new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 0 } } })
    this.observer = new QueryObserver<Order[]>(this.queryClient, {
      queryKey: ORDERS_QUERY_KEY,
      queryFn: async () => {
        this.log('fetch', 'orders.list')
        return this.withPending(await options.api.list())
      },
    })
  }

  /** Subscribes to the broadcasts and tabs, and loads the list; resolves with the first list. */
  async start(timeoutMs = 10_000): Promise<OrderView[]> {
    const { broadcast, crossTab } = this.options
    this.stops.push(
      this.observer.subscribe(() => this.changes.emit(this.view())),
      broadcast.subscribe(ORDERS_CHANNEL, (event) => {
        this.log('ws', event.event, (event.payload as OrderEventPayload | undefined)?.order?.id)
        void this.invalidate()
      }),
      broadcast.onSubscribed((channels) => {
        if (!channels.includes(ORDERS_CHANNEL)) return
        if (this.subscribedOnce) {
          this.log('resync', 'resubscribed')
          void this.invalidate()
        }
        this.subscribedOnce = true
      }),
    )
    if (crossTab) this.stops.push(crossTab.on((message) => this.onTabMessage(message)))
    return this.waitFor(() => this.observer.getCurrentResult().isSuccess, timeoutMs, 'the first order list')
  }

  stop(): void {
    for (const stop of this.stops.splice(0)) stop()
    this.queryClient.clear()
  }

  /** The list as shown now (optimistic entries included, marked `pending`). */
  view(): OrderView[] {
    const orders = this.queryClient.getQueryData<Order[]>(ORDERS_QUERY_KEY) ?? []
    return orders.map((order) => ({ ...order, pending: this.pending.has(order.id) }))
  }

  onChange(listener: (orders: OrderView[]) => void): () => void {
    return this.changes.add(listener)
  }

  /** Resolves with the list once `predicate` holds; rejects after `timeoutMs`. */
  waitFor(
    predicate: (orders: OrderView[]) => boolean,
    timeoutMs = 10_000,
    what = 'the order list to match',
  ): Promise<OrderView[]> {
    return waitUntil(
      what,
      timeoutMs,
      () => this.view(),
      (l) => this.onChange(l),
      predicate,
    )
  }

  /** Creates an order optimistically: listed at once (`pending`), removed again if the API refuses it. */
  createOrder(input: CreateInput): Promise<OrderWriteResult> {
    const order: NewOrder = { ...input, id: input.id ?? crypto.randomUUID() }
    return this.mutate(
      order.id,
      () => {
        const now = new Date().toISOString()
        return { ...order, status: 'pending', version: 0, createdAt: now, updatedAt: now }
      },
      () => this.options.api.create(order),
      'order.create',
    )
  }

  /** Updates an order optimistically; the old version comes back if the API refuses it. */
  updateOrder(id: string, changes: OrderChanges): Promise<OrderWriteResult> {
    return this.mutate(
      id,
      (current) => {
        if (!current) throw new Error(`order ${id} is not in the list`)
        return { ...current, ...changes, version: current.version }
      },
      () => this.options.api.update(id, changes),
      'order.update',
    )
  }

  private mutate(
    id: string,
    optimistic: (current: Order | undefined) => Order,
    write: () => Promise<OrderWriteResult>,
    type: string,
  ): Promise<OrderWriteResult> {
    const observer = new MutationObserver<OrderWriteResult, Error, void, Rollback>(this.queryClient, {
      mutationFn: write,
      onMutate: async () => {
        await this.queryClient.cancelQueries({ queryKey: ORDERS_QUERY_KEY })
        const previous = this.view().find((o) => o.id === id)
        const next = optimistic(previous)
        this.pending.set(id, next)
        this.put(next)
        this.log('mutation', `${type}.optimistic`, id)
        this.options.crossTab?.post({ type: 'order.optimistic', order: next })
        return { id, previous: previous && stripPending(previous) }
      },
      onSuccess: ({ order }) => {
        this.pending.delete(order.id)
        this.put(order)
        this.log('mutation', `${type}.confirmed`, order.id)
        this.options.crossTab?.post({ type: 'order.confirmed', order })
      },
      onError: (_error, _variables, rollback) => {
        if (!rollback) return
        this.undo(rollback)
        this.log('mutation', `${type}.rolledBack`, id)
        this.options.crossTab?.post({ type: 'order.rolledBack', id, previous: rollback.previous })
      },
      onSettled: () => this.invalidate(),
    })
    return observer.mutate()
  }

  private onTabMessage(message: OrdersTabMessage): void {
    const id = message.type === 'order.rolledBack' ? message.id : message.order.id
    this.log('crosstab', message.type, id)
    if (message.type === 'order.optimistic') {
      this.pending.set(id, message.order)
      this.put(message.order)
    } else if (message.type === 'order.confirmed') {
      this.pending.delete(id)
      this.put(message.order)
    } else {
      this.undo({ id, previous: message.previous })
    }
  }

  /** Puts `order` into the cached list (replacing the one with its id). */
  private put(order: Order): void {
    this.queryClient.setQueryData<Order[]>(ORDERS_QUERY_KEY, (old = []) => {
      const index = old.findIndex((o) => o.id === order.id)
      return index === -1 ? [...old, order] : old.map((o, i) => (i === index ? order : o))
    })
  }

  private undo({ id, previous }: Rollback): void {
    this.pending.delete(id)
    this.queryClient.setQueryData<Order[]>(ORDERS_QUERY_KEY, (old = []) =>
      previous ? old.map((o) => (o.id === id ? previous : o)) : old.filter((o) => o.id !== id),
    )
  }

  /** Server truth, plus optimistic creations the server does not have yet. */
  private withPending(orders: Order[]): Order[] {
    const known = new Set(orders.map((o) => o.id))
    const merged = orders.map((o) => this.pending.get(o.id) ?? o)
    for (const [id, order] of this.pending) if (!known.has(id)) merged.push(order)
    return merged
  }

  private invalidate(): Promise<void> {
    return this.queryClient.invalidateQueries({ queryKey: ORDERS_QUERY_KEY }).catch(() => {})
  }

  private log(source: SyncActivity['source'], type: string, orderId?: string): void {
    this.options.onActivity?.({ source, type, orderId, at: performance.now() })
  }
}

function stripPending({ pending: _pending, ...order }: OrderView): Order {
  return order
}
