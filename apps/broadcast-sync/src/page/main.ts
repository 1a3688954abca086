// The page's script (bundled by ./bundle.ts): the order list, kept in sync by the frontend library.
// For tests and debugging it exposes `window.broadcastSync` (the sync log, the connection states).
import {
  BroadcastClient,
  type ConnectionState,
  CrossTabEmitter,
  OrdersApi,
  OrdersSync,
  type OrdersTabMessage,
  type OrderView,
  type SyncActivity,
} from '../client/index.js'
import { renderOrders } from './render.js'

const log: SyncActivity[] = []
const states: ConnectionState[] = []
const client = new BroadcastClient(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`, {
  backoff: { initialMs: 200, maxMs: 2_000 },
})
const sync = new OrdersSync({
  api: new OrdersApi(location.origin),
  broadcast: client,
  crossTab: new CrossTabEmitter<OrdersTabMessage>('broadcast-sync:orders'),
  onActivity: (activity) => {
    log.push(activity)
    console.log(`[sync] ${activity.source} ${activity.type} ${activity.orderId ?? ''}`)
  },
})
Object.assign(window, { broadcastSync: { log, states, client, sync } })

const stateBadge = document.querySelector<HTMLElement>('#state')!
const errorLine = document.querySelector<HTMLElement>('#error')!
const list = document.querySelector<HTMLUListElement>('#orders')!
const form = document.querySelector<HTMLFormElement>('#new-order')!

client.onState((state) => {
  states.push(state)
  console.log(`[ws] ${state}`)
  stateBadge.textContent = state
  stateBadge.dataset.state = state
})
const show = (orders: OrderView[]) =>
  renderOrders(list, orders, (id) => {
    sync.updateOrder(id, { status: 'shipped' }).catch((error: Error) => {
      errorLine.textContent = error.message
    })
  })
sync.onChange(show)

form.addEventListener('submit', (event) => {
  event.preventDefault()
  const data = new FormData(form)
  errorLine.textContent = ''
  sync
    .createOrder({
      customer: String(data.get('customer') ?? ''),
      item: String(data.get('item') ?? ''),
      quantity: Number(data.get('quantity')),
    })
    .catch((error: Error) => {
      errorLine.textContent = error.message
    })
  form.reset()
})

client.connect()
sync.start().then(show, (error: Error) => {
  errorLine.textContent = `could not load the orders: ${error.message}`
})
