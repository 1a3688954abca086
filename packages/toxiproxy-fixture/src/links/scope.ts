import type { Link } from './link.js'
import type { LinkSet, PartitionOptions, ProxyOptions } from './link-set.js'
import type { ProxyTarget } from './target.js'

/**
 * Links of one test (`toxiproxy.isolated()`, or the `toxiproxy` vitest fixture): the same `proxy()`,
 * `partition()`, `heal()` and `reset()` as the server handle, over this scope's links only. Releasing it
 * deletes its links from the server, so the next test starts with no toxics and no partitions.
 */
export class ToxiproxyScope implements AsyncDisposable {
  readonly #set: LinkSet
  readonly #onRelease: (scope: ToxiproxyScope) => void
  #released: Promise<void> | undefined

  /** @internal Created by `Toxiproxy.isolated()`. */
  constructor(set: LinkSet, onRelease: (scope: ToxiproxyScope) => void) {
    this.#set = set
    this.#onRelease = onRelease
  }

  /** A new link to `target` (`'host:port'`, a URL, or any fixture handle). */
  proxy(target: ProxyTarget, nameOrOptions?: string | ProxyOptions): Promise<Link> {
    return this.#set.proxy(target, nameOrOptions)
  }
  /** The link called `name`. */
  link(name: string): Link {
    return this.#set.link(name)
  }
  get links(): readonly Link[] {
    return this.#set.links
  }
  /** Cuts the links between two groups of endpoints (see `ProxyOptions.from`/`to`). */
  partition(
    groupA: readonly string[],
    groupB: readonly string[],
    options?: PartitionOptions,
  ): Promise<Link[]> {
    return this.#set.partition(groupA, groupB, options)
  }
  heal(): Promise<void> {
    return this.#set.heal()
  }
  /** Every link of the scope back to fresh (no toxics, up, no partition). */
  reset(): Promise<void> {
    return this.#set.reset()
  }

  /** Deletes the scope's links. Idempotent. */
  release(): Promise<void> {
    if (!this.#released) {
      this.#onRelease(this)
      this.#released = this.#set.removeAll()
    }
    return this.#released
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.release()
  }
}
