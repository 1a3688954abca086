// The frontend library: runs in Node and in the browser (no Node built-ins here).
export { type BackoffOptions, backoffDelay } from './backoff.js'
export {
  BroadcastClient,
  type BroadcastClientOptions,
  type ConnectionState,
  type EventHandler,
  type WebSocketConstructor,
  type WebSocketLike,
} from './broadcast-client.js'
export { type BroadcastChannelConstructor, type BroadcastChannelLike, CrossTabEmitter } from './cross-tab.js'
export { ApiError, OrdersApi, type OrdersApiOptions } from './orders-api.js'
export {
  ORDERS_QUERY_KEY,
  OrdersSync,
  type OrdersSyncOptions,
  type OrdersTabMessage,
  type OrderView,
  type SyncActivity,
} from './orders-sync.js'
export { waitUntil } from './wait.js'
