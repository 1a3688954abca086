import { randomBytes } from 'node:crypto'
import type { Etcd3, Namespace } from 'etcd3'

/**
 * One test's own slice of etcd: every key under a unique prefix, through etcd3's `namespace()`.
 * `release()` (or `await using`) deletes the prefix's keys, and nothing else.
 */
export interface EtcdNamespace extends AsyncDisposable {
  /** The prefix of every key of this namespace as stored in etcd, e.g. `infra-3f9a…/ns-1a2b…/`. */
  readonly prefix: string
  /** The endpoints of the cluster, `http://127.0.0.1:<port>`. */
  readonly endpoints: string[]
  /**
   * The namespaced client: `ns.client().put('a').value('1')` writes `<prefix>a`; watches, leases, locks and
   * elections are confined to the prefix as well. Shares the handle's connections (nothing to close).
   */
  client(): Namespace
  /** `prefix + name`: the full key as stored in etcd (for another client or `etcdctl`). */
  key(name: string): string
  /** Deletes every key under the prefix. Idempotent. */
  release(): Promise<void>
}

export class PrefixNamespace implements EtcdNamespace {
  readonly prefix: string
  readonly #client: Namespace
  #released: Promise<void> | undefined

  constructor(
    readonly endpoints: string[],
    private readonly root: Etcd3,
    parentPrefix: string,
    private readonly onRelease: (ns: PrefixNamespace) => void,
  ) {
    this.prefix = `${parentPrefix}ns-${randomBytes(6).toString('hex')}/`
    this.#client = root.namespace(this.prefix)
  }

  client(): Namespace {
    if (this.#released) throw new Error('this etcd namespace was released; get a new one with isolated()')
    return this.#client
  }

  key(name: string): string {
    return `${this.prefix}${name}`
  }

  release(): Promise<void> {
    this.#released ??= (async () => {
      this.onRelease(this)
      await this.root.delete().prefix(this.prefix)
    })()
    return this.#released
  }

  /** The handle stopped and took the data with it: release() has nothing left to do. */
  markGone(): void {
    this.#released ??= Promise.resolve()
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release()
  }
}
