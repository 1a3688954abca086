import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel'

export interface GuardedClientOptions {
  /** Each call is aborted after this long. Default 500 ms. */
  timeoutMs?: number
  /** Consecutive failures (errors, timeouts, 5xx) that open the circuit. Default 3. */
  failureThreshold?: number
  /** How long the circuit stays open before one trial call (half-open). Default 1000 ms. */
  halfOpenAfterMs?: number
}

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated'

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
}

/** A dependency answered 5xx: counts as a failure for the breaker. */
export class DependencyError extends Error {
  constructor(readonly status: number) {
    super(`dependency answered HTTP ${status}`)
    this.name = 'DependencyError'
  }
}

/**
 * An HTTP JSON client for one dependency, behind a timeout and a circuit breaker (cockatiel): after
 * `failureThreshold` consecutive failures the circuit opens and calls fail at once with
 * `BrokenCircuitError`, without touching the dependency; after `halfOpenAfterMs` one trial call decides
 * whether it closes again.
 */
export class GuardedClient {
  readonly breaker: CircuitBreakerPolicy
  /** Every state the breaker went through, in order (starts 'closed'). */
  readonly transitions: BreakerState[] = ['closed']
  readonly #policy

  constructor(
    readonly baseUrl: string,
    options: GuardedClientOptions = {},
  ) {
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: options.halfOpenAfterMs ?? 1000,
      breaker: new ConsecutiveBreaker(options.failureThreshold ?? 3),
    })
    this.breaker.onStateChange((state) => this.transitions.push(STATE_NAMES[state]))
    this.#policy = wrap(this.breaker, timeout(options.timeoutMs ?? 500, TimeoutStrategy.Aggressive))
  }

  get state(): BreakerState {
    return STATE_NAMES[this.breaker.state]
  }

  getJson<T>(path: string): Promise<T> {
    return this.#policy.execute(async ({ signal }) => {
      const response = await fetch(this.baseUrl + path, { signal })
      if (response.status >= 500) throw new DependencyError(response.status)
      return (await response.json()) as T
    })
  }
}

export { BrokenCircuitError, TaskCancelledError }
