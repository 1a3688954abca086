export { startTradingApp, type TradingApp, type TradingAppOptions } from './app.js'
export { migrate } from './db/migrate.js'
export type { ExecutionView, OrderResult, OrderView } from './db/orders-repository.js'
export { type Fill, type FillPlan, planFills } from './domain/fills.js'
export { Dec, floor8, fmt, parseAmount, round8, SCALE, sum, toUnits } from './domain/money.js'
export {
  MAX_NOTIONAL,
  type OrderRequest,
  type Side,
  type ValidOrder,
  validateKey,
  validateOrder,
} from './domain/order.js'
export { IdempotencyConflictError, ValidationError } from './errors.js'
export type { IdempotencyRecord } from './idempotency/redis-store.js'
export type { MetricsOptions, MetricsStats } from './metrics/execution-metrics.js'
export { executionLines } from './metrics/line-protocol.js'
export type { IdempotencyStats, SubmitOutcome, TradingService } from './trading-service.js'
