import { check, checkOptions, InvalidOptionsError } from '@infra/fixture-core'
import type { ToxiproxyApi } from '../server/api-client.js'
import type { Toxic } from '../toxics/toxic.js'
import { Link, type LinkContext } from './link.js'
import { type ProxyTarget, resolveTarget } from './target.js'

export interface ProxyOptions {
  /** The link's name (unique in its set). Default: the target's `service` (`redis`, `postgres` …) or `link`. */
  name?: string
  /** The listen address, `host:port`. Default `127.0.0.1:0` (an ephemeral port chosen by Toxiproxy). */
  listen?: string
  /** The link's endpoints for `partition()`. Default `from: 'client'`, `to: <name>`. */
  from?: string
  to?: string
}

export interface PartitionOptions {
  /**
   * `refuse` (default): the links are down — connections are reset and refused, failures are quick.
   * `blackhole`: the links stay up but hold all data (a `timeout(0)` toxic both ways) — like packets
   * dropped on the floor, clients hit their own timeouts.
   */
  mode?: 'refuse' | 'blackhole'
}

/**
 * A set of links with one naming scope: the server handle's own, or a per-test scope's. Names are unique
 * in a set; the proxy names on the server carry the set's prefix, so sets never clash on a shared server.
 */
export class LinkSet {
  readonly #links = new Map<string, Link>()
  readonly #cuts = new Map<Link, Toxic[] | 'down'>()
  #seq = 0

  constructor(
    readonly ctx: LinkContext,
    readonly prefix: string,
  ) {}

  get links(): readonly Link[] {
    return [...this.#links.values()]
  }

  link(name: string): Link {
    const link = this.#links.get(name)
    if (!link) {
      const known = [...this.#links.keys()].join(', ') || 'none'
      throw new InvalidOptionsError('name', `no link named '${name}' (links: ${known})`)
    }
    return link
  }

  async proxy(target: ProxyTarget, nameOrOptions?: string | ProxyOptions): Promise<Link> {
    this.ctx.assertUsable('proxy')
    const o = checkOptions<ProxyOptions>(
      'proxy()',
      typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions,
      { name: check.string(), listen: check.string(), from: check.string(), to: check.string() },
    )
    const resolved = resolveTarget(target)
    const service = typeof target === 'object' && 'service' in target ? String(target.service) : undefined
    const name = o.name ?? this.#freeName(service ?? 'link')
    if (this.#links.has(name)) throw new InvalidOptionsError('name', `a link named '${name}' exists already`)
    const proxyName = `${this.prefix}${name}`
    const json = await this.ctx.api().createProxy({
      name: proxyName,
      listen: o.listen ?? '127.0.0.1:0',
      upstream: `${resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host}:${resolved.port}`,
      enabled: true,
    })
    const link = new Link(this.ctx, name, proxyName, resolved, json, o.from ?? 'client', o.to ?? name)
    this.#links.set(name, link)
    return link
  }

  /**
   * Cuts every link between the two groups of endpoints (a link `from` one group `to` the other, either way).
   * Returns the links it cut. `heal()` restores them.
   */
  async partition(
    groupA: readonly string[],
    groupB: readonly string[],
    options: PartitionOptions = {},
  ): Promise<Link[]> {
    this.ctx.assertUsable('partition')
    const a = new Set(groupA)
    const b = new Set(groupB)
    const overlap = [...a].filter((x) => b.has(x))
    if (overlap.length > 0) throw new InvalidOptionsError('groupB', `${overlap.join(', ')} in both groups`)
    const mode = options.mode ?? 'refuse'
    if (mode !== 'refuse' && mode !== 'blackhole') {
      throw new InvalidOptionsError('mode', `expected 'refuse' or 'blackhole', got ${String(mode)}`)
    }
    const crossing = this.links.filter(
      (l) => ((a.has(l.from) && b.has(l.to)) || (b.has(l.from) && a.has(l.to))) && !this.#cuts.has(l),
    )
    await Promise.all(
      crossing.map(async (link) => {
        if (mode === 'refuse') {
          await link.down()
          this.#cuts.set(link, 'down')
        } else {
          this.#cuts.set(link, [await link.timeout(0, { direction: 'both' })])
        }
      }),
    )
    return crossing
  }

  /** Undoes every `partition()` of this set. */
  async heal(): Promise<void> {
    this.ctx.assertUsable('heal')
    const cuts = [...this.#cuts]
    this.#cuts.clear()
    await Promise.all(
      cuts.map(([link, cut]) =>
        cut === 'down' ? link.up() : Promise.all(cut.map((t) => t.remove())).then(() => {}),
      ),
    )
  }

  /** Every link of the set back to fresh: partitions healed, toxics removed, links up. */
  async reset(): Promise<void> {
    this.#cuts.clear()
    await Promise.all(this.links.map((l) => l.reset()))
  }

  /** Deletes every link of the set from the server. */
  async removeAll(): Promise<void> {
    this.#cuts.clear()
    const links = this.links
    this.#links.clear()
    await Promise.allSettled(links.map((l) => l.remove()))
  }

  /** @internal Re-creates the set's links after a server restart. */
  async recreate(api: ToxiproxyApi): Promise<void> {
    for (const link of this.links) await link.recreate(api)
  }

  #freeName(base: string): string {
    if (!this.#links.has(base)) return base
    let name: string
    do name = `${base}-${++this.#seq}`
    while (this.#links.has(name))
    return name
  }
}
