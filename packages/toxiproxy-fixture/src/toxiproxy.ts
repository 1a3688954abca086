import {
  FixtureLifecycle,
  type FixtureServer,
  type Provider,
  type ServiceProcess,
  UnsupportedOperationError,
} from '@infra/fixture-core'
import type { Link } from './links/link.js'
import { LinkSet, type PartitionOptions, type ProxyOptions } from './links/link-set.js'
import { ToxiproxyScope } from './links/scope.js'
import type { ProxyTarget } from './links/target.js'
import { checkToxiproxyOptions, type ToxiproxyOptions } from './options.js'
import { ToxiproxyApi } from './server/api-client.js'
import { startServerProcess } from './server/server-process.js'

/** What a vitest global setup hands to the workers: enough to attach to the run's server. */
export interface ToxiproxyConnectionInfo {
  apiUrl: string
  provider: Provider
}

let handles = 0

/**
 * A running Toxiproxy server. `proxy(target)` puts a {@link Link} in front of a real server; the link's
 * toxics, `down()`/`up()` and the handle's `partition()`/`heal()` make the network between them bad.
 */
export class Toxiproxy implements FixtureServer<ToxiproxyScope> {
  readonly service = 'toxiproxy'
  readonly provider: Provider
  readonly #life = new FixtureLifecycle('toxiproxy')
  readonly #proc: ServiceProcess | undefined
  readonly #root: LinkSet
  readonly #scopes = new Set<LinkSet>()
  readonly #prefix: string
  readonly #api: ToxiproxyApi
  #scopeSeq = 0

  /** @internal Use {@link startToxiproxy} or {@link connectToxiproxy}. */
  constructor(api: ToxiproxyApi, proc: ServiceProcess | undefined, provider: Provider) {
    this.#api = api
    this.#proc = proc
    this.provider = provider
    // the process that started the server names its links plainly; an attached worker prefixes its own
    this.#prefix = proc ? '' : `w${process.pid}-${++handles}.`
    this.#root = new LinkSet(this.#linkContext(), this.#prefix)
  }

  /** The Toxiproxy HTTP API (`http://127.0.0.1:<port>`). */
  get apiUrl(): string {
    return this.#api.baseUrl
  }

  get connectionInfo(): ToxiproxyConnectionInfo {
    return { apiUrl: this.apiUrl, provider: this.provider }
  }

  /** `TOXIPROXY_URL`: the API, as Toxiproxy's own clients and CLI expect it. */
  env(): Record<string, string> {
    return { TOXIPROXY_URL: this.apiUrl }
  }

  /** The server's process id (undefined on a handle attached to another process's server). */
  get pid(): number | undefined {
    return this.#proc?.pid
  }

  /** The API client (for anything the handle does not wrap). */
  get api(): ToxiproxyApi {
    return this.#api
  }

  /** A new link to `target`: `'host:port'`, a URL, or any fixture handle (`{ host, port }`, `{ url }`, `env()`). */
  proxy(target: ProxyTarget, nameOrOptions?: string | ProxyOptions): Promise<Link> {
    return this.#root.proxy(target, nameOrOptions)
  }

  /** The link called `name`. */
  link(name: string): Link {
    return this.#root.link(name)
  }

  /** The links made with this handle's `proxy()` (not those of its scopes). */
  get links(): readonly Link[] {
    return this.#root.links
  }

  /** Cuts every link between two groups of endpoints (`ProxyOptions.from`/`to`); `heal()` restores them. */
  partition(
    groupA: readonly string[],
    groupB: readonly string[],
    options?: PartitionOptions,
  ): Promise<Link[]> {
    return this.#root.partition(groupA, groupB, options)
  }

  heal(): Promise<void> {
    return this.#root.heal()
  }

  /** Every link of this handle (and of its scopes) back to fresh: no toxics, up, no partitions. */
  async reset(): Promise<void> {
    this.#life.assertRunning('reset')
    await Promise.all([this.#root, ...this.#scopes].map((s) => s.reset()))
  }

  /** A scope of links for one test, deleted from the server when released. */
  async isolated(): Promise<ToxiproxyScope> {
    this.#life.assertRunning('isolated')
    const set = new LinkSet(this.#linkContext(), `${this.#prefix}s${++this.#scopeSeq}.`)
    this.#scopes.add(set)
    return new ToxiproxyScope(set, () => this.#scopes.delete(set))
  }

  /** SIGKILL the server: every link dies at once (connections reset, new ones refused). `restart()` revives it. */
  async kill(): Promise<void> {
    this.#life.assertRunning('kill')
    await this.#own('kill').kill()
  }

  /** SIGSTOP the server: every link hangs until `resume()`. */
  async pause(): Promise<void> {
    this.#life.assertRunning('pause')
    await this.#own('pause').pause()
  }

  async resume(): Promise<void> {
    this.#life.assertRunning('resume')
    this.#own('resume').resume()
  }

  /** Restarts the server on the same API port and re-creates every link (same addresses) with its toxics. */
  async restart(): Promise<void> {
    this.#life.assertRunning('restart')
    await this.#own('restart').restart()
    for (const set of [this.#root, ...this.#scopes]) await set.recreate(this.#api)
  }

  /** Deletes this handle's links; stops the server if this handle started it. Idempotent. */
  stop(): Promise<void> {
    return this.#life.stopOnce(async () => {
      if (this.#proc) {
        await this.#proc.stop()
        return
      }
      await Promise.allSettled([this.#root, ...this.#scopes].map((s) => s.removeAll()))
    })
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }

  #own(operation: string): ServiceProcess {
    if (!this.#proc) {
      throw new UnsupportedOperationError(
        'toxiproxy',
        operation,
        'shared',
        'this worker attached to the global setup’s server; fault its links instead',
      )
    }
    return this.#proc
  }

  #linkContext() {
    return { api: () => this.#api, assertUsable: (op: string) => this.#life.assertRunning(op) }
  }
}

/** Starts a Toxiproxy server on 127.0.0.1 with an ephemeral API port, under the run's watchdog. */
export async function startToxiproxy(options?: ToxiproxyOptions): Promise<Toxiproxy> {
  const o = checkToxiproxyOptions(options)
  const proc = await startServerProcess(o)
  const api = new ToxiproxyApi(`http://127.0.0.1:${proc.port}`, o.apiTimeoutMs)
  return new Toxiproxy(api, proc, 'local')
}

/**
 * A handle on a server someone else started (a vitest global setup's): links made here are prefixed with
 * this process's id and deleted on `stop()`; the server itself is left alone.
 */
export function connectToxiproxy(
  info: ToxiproxyConnectionInfo,
  options: { apiTimeoutMs?: number } = {},
): Toxiproxy {
  return new Toxiproxy(new ToxiproxyApi(info.apiUrl, options.apiTimeoutMs), undefined, info.provider)
}
