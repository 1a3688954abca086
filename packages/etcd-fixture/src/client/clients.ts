import {
  ConsecutiveBreaker,
  ConstantBackoff,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IBackoff,
  retry,
} from 'cockatiel'
import { Etcd3, type IOptions, isRecoverableError } from 'etcd3'

/** Deadline of a unary call from a fixture client when the call gives none: nothing waits forever. */
export const DEFAULT_CALL_DEADLINE_MS = 10_000

/**
 * etcd3 options for tests against a cluster whose nodes come and go: a host whose calls failed three
 * times in a row is skipped for 100 ms only (etcd3's default is 5 s: a restarted node would stay
 * shunned), a failed call is retried on another host up to 3 times, 20 ms apart, a broken watch stream
 * reconnects after 20 ms doubling up to 500 ms (etcd3's default backs off up to 30 s), and every unary
 * call without its own deadline gets {@link DEFAULT_CALL_DEADLINE_MS}.
 */
export function testClientOptions(hosts: readonly string[], overrides: Partial<IOptions> = {}): IOptions {
  return {
    hosts: [...hosts],
    dialTimeout: 2_000,
    defaultCallOptions: (context) =>
      context.isStream ? {} : { deadline: Date.now() + DEFAULT_CALL_DEADLINE_MS },
    faultHandling: {
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: 100,
          breaker: new ConsecutiveBreaker(3),
        }),
      global: retry(handleWhen(isRecoverableError), { maxAttempts: 3, backoff: new ConstantBackoff(20) }),
      // etcd3 types this as a backoff instance but calls next() on it first: its own default is this factory
      watchBackoff: new ExponentialBackoff({
        initialDelay: 20,
        maxDelay: 500,
      }) as unknown as IBackoff<unknown>,
      ...overrides.faultHandling,
    },
    ...withoutFaultHandling(overrides),
  }
}

function withoutFaultHandling(o: Partial<IOptions>): Partial<IOptions> {
  const { faultHandling: _ignored, ...rest } = o
  return rest
}

/** The etcd3 clients a handle created: all closed when it stops. */
export class ClientRegistry {
  readonly #clients = new Set<Etcd3>()
  readonly #shared = new Map<string, Etcd3>()

  constructor(
    readonly hosts: readonly string[],
    readonly defaults: Partial<IOptions> = {},
  ) {}

  /** A new client on `hosts` (default: all endpoints) with the test options, tracked. */
  create(overrides: Partial<IOptions> = {}, hosts: readonly string[] = this.hosts): Etcd3 {
    const client = new Etcd3(
      testClientOptions(hosts, {
        ...this.defaults,
        ...overrides,
        faultHandling: { ...this.defaults.faultHandling, ...overrides.faultHandling },
      }),
    )
    this.#clients.add(client)
    return client
  }

  /** The one client with the handle's options on `hosts` (default: all endpoints), created on first use. */
  shared(hosts: readonly string[] = this.hosts): Etcd3 {
    const key = hosts.join(',')
    let client = this.#shared.get(key)
    if (!client) {
      client = this.create({}, hosts)
      this.#shared.set(key, client)
    }
    return client
  }

  closeAll(): void {
    for (const client of this.#clients) client.close()
    this.#clients.clear()
    this.#shared.clear()
  }
}
