export interface BackoffOptions {
  /** Delay before the first retry. Default 250 ms. */
  initialMs?: number
  /** Upper bound of any delay. Default 5 000 ms. */
  maxMs?: number
  /** Growth per attempt. Default 2. */
  factor?: number
  /** ± this fraction of randomness, so that many clients do not reconnect in lockstep. Default 0.2. */
  jitter?: number
}

/** The delay before reconnect attempt `attempt` (0-based): exponential, capped, jittered. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const { initialMs = 250, maxMs = 5_000, factor = 2, jitter = 0.2 } = options
  const base = Math.min(maxMs, initialMs * factor ** Math.max(0, attempt))
  const spread = base * jitter * (2 * random() - 1)
  return Math.max(0, Math.min(maxMs, Math.round(base + spread)))
}
