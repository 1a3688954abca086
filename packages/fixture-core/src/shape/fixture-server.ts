import { type FixtureState, FixtureStateError } from '../errors.js'

/**
 * Where a fixture's server comes from: `local` — the fixture spawned it (on 127.0.0.1, an ephemeral port);
 * `external` — a server given by URL (`INFRA_<SERVICE>_URL`), where the fixture only creates and removes its
 * own namespaces. A worker's handle on a global setup's server reports the provider of that server.
 */
export type Provider = 'local' | 'external'

/**
 * The one shape every fixture handle has (`class Postgres implements FixtureServer<TestDatabase>`):
 * connection info, per-test isolation, fault controls and an idempotent stop.
 *
 * - `isolated()` gives a resource of its own to one test (a database, a namespace, a topic …), released by
 *   `await using` or its own release method.
 * - Fault controls act on the whole server (clusters add per-node variants, e.g. `kill(i)`): `kill()` is a
 *   crash (SIGKILL), `pause()` a hang (SIGSTOP) until `resume()`, `restart()` comes back on the same port
 *   with the same data. On an external server they throw `UnsupportedOperationError`.
 * - `stop()` is idempotent and also works when the server already died. Anything else after it throws
 *   `FixtureStateError`.
 */
export interface FixtureServer<Isolated extends AsyncDisposable = AsyncDisposable> extends AsyncDisposable {
  /** Short service name, as in errors and `DEBUG=infra:<service>`: `postgres`, `redis`, `kafka` … */
  readonly service: string
  readonly provider: Provider
  /**
   * Connection info as environment variables for another process or language
   * (`DATABASE_URL`, `REDIS_URL`, `KAFKA_BROKERS` …): what `infra run` hands to a command.
   */
  env(): Record<string, string>
  /** A fresh, isolated resource for one test. */
  isolated(): Promise<Isolated>
  kill(): Promise<void>
  pause(): Promise<void>
  resume(): Promise<void>
  restart(): Promise<void>
  stop(): Promise<void>
}

/**
 * The lifecycle bookkeeping every handle needs: one state, `FixtureStateError` for calls that come too late,
 * and a `stop()` that runs its work once however often (and concurrently) it is called.
 *
 * ```ts
 * class Etcd implements FixtureServer<EtcdNamespace> {
 *   readonly #life = new FixtureLifecycle('etcd')
 *   async restart() { this.#life.assertRunning('restart'); … }
 *   stop() { return this.#life.stopOnce(() => this.#cluster.stop()) }
 * }
 * ```
 */
export class FixtureLifecycle {
  readonly service: string
  #state: FixtureState
  #stopping: Promise<void> | undefined

  constructor(service: string, state: FixtureState = 'running') {
    this.service = service
    this.#state = state
  }

  get state(): FixtureState {
    return this.#state
  }

  get isRunning(): boolean {
    return this.#state === 'running' || this.#state === 'starting'
  }

  /** Marks a started handle as running (for handles created in `starting`). */
  markRunning(): void {
    if (this.#state === 'starting') this.#state = 'running'
  }

  /** Throws `FixtureStateError` unless the handle is usable for `operation`. */
  assertRunning(operation: string): void {
    if (!this.isRunning) throw new FixtureStateError(this.service, operation, this.#state)
  }

  /** Runs `work` on the first call only; every call returns the same promise. Never throws `FixtureStateError`. */
  stopOnce(work: () => Promise<void>): Promise<void> {
    if (!this.#stopping) {
      this.#state = 'stopping'
      this.#stopping = (async () => {
        try {
          await work()
        } finally {
          this.#state = 'stopped'
        }
      })()
    }
    return this.#stopping
  }
}
