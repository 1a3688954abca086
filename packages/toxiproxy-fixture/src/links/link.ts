import { FixtureStateError } from '@infra/fixture-core'
import type { ProxyJson, ToxicJson, ToxiproxyApi } from '../server/api-client.js'
import { addToxics, Toxic, type ToxicOptions, type ToxicType, toxicBodies } from '../toxics/toxic.js'
import {
  checkAmount,
  checkLatencyOptions,
  checkSlicerOptions,
  checkToxicOptions,
  type LatencyOptions,
  type SlicerOptions,
} from '../toxics/toxic-options.js'
import { type ResolvedTarget, rewriteAddress } from './target.js'

/** What the link's owner lends it: the API, and a check that the server is still usable. */
export interface LinkContext {
  api: () => ToxiproxyApi
  assertUsable: (operation: string) => void
}

/**
 * One Toxiproxy proxy between the code under test and a real server. Hand `url` (or `host`/`port`, or
 * `env()`) to the code under test; then make the network bad with the toxic methods, each of which returns a
 * {@link Toxic} you can `remove()`, or cut it with `down()` until `up()`.
 */
export class Link {
  readonly #ctx: LinkContext
  readonly #target: ResolvedTarget
  /** The toxics on the link, each with its Toxiproxy bodies (one per stream), to re-create after a restart. */
  readonly #toxics = new Map<Toxic, ToxicJson[]>()
  #enabled = true
  #removed = false
  #seq = 0

  /** @internal Created by `Toxiproxy.proxy()`. */
  constructor(
    ctx: LinkContext,
    /** The name you gave (or one derived from the target). */
    readonly name: string,
    /** The proxy's name on the Toxiproxy server (unique per server). */
    readonly proxyName: string,
    target: ResolvedTarget,
    json: ProxyJson,
    /** The link's endpoints, for `partition()`: `from` (default `'client'`) and `to` (default its name). */
    readonly from: string,
    readonly to: string,
  ) {
    this.#ctx = ctx
    this.#target = target
    const i = json.listen.lastIndexOf(':')
    this.host = json.listen.slice(0, i)
    this.port = Number(json.listen.slice(i + 1))
    this.upstream = json.upstream
  }

  /** The proxy's listen address: give these to the code under test. */
  readonly host: string
  readonly port: number
  /** `host:port` of the real server. */
  readonly upstream: string

  /** The target's URL with the proxy's host:port (`redis://127.0.0.1:41234/0`); `tcp://host:port` without one. */
  get url(): string {
    if (this.#target.url) return rewriteAddress(this.#target.url, this.#target, this)
    return `tcp://${this.host}:${this.port}`
  }

  /** The target's `env()` with its host:port replaced by the proxy's (empty when the target had none). */
  env(): Record<string, string> {
    const env = this.#target.env ?? {}
    return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, rewriteAddress(v, this.#target, this)]))
  }

  /** False between `down()` and `up()`. */
  get enabled(): boolean {
    return this.#enabled
  }

  /** The toxics on the link now. */
  get toxics(): readonly Toxic[] {
    return [...this.#toxics.keys()]
  }

  /** Delays data by `ms` (± `jitter`). */
  latency(ms: number, options?: LatencyOptions): Promise<Toxic> {
    const o = checkLatencyOptions(options)
    const { jitter = 0, ...rest } = o
    return this.#add('latency', { latency: checkAmount('latency', ms), jitter }, rest)
  }

  /** Limits the rate to `kbps` kilobytes per second. */
  bandwidth(kbps: number, options?: ToxicOptions): Promise<Toxic> {
    const rate = checkAmount('bandwidth', kbps, { integer: true })
    return this.#add('bandwidth', { rate }, checkToxicOptions('bandwidth()', options))
  }

  /**
   * Stops all data, then closes the connection after `ms`; with 0 the data is held until the toxic is removed
   * (a black hole: clients hit their own timeouts).
   */
  timeout(ms: number, options?: ToxicOptions): Promise<Toxic> {
    const timeout = checkAmount('timeout', ms)
    return this.#add('timeout', { timeout }, checkToxicOptions('timeout()', options))
  }

  /** Resets connections (TCP RST, "connection reset by peer"), at once or after `ms`. */
  resetPeer(ms = 0, options?: ToxicOptions): Promise<Toxic> {
    const timeout = checkAmount('resetPeer', ms)
    return this.#add('reset_peer', { timeout }, checkToxicOptions('resetPeer()', options))
  }

  /** Delays the close of a connection by `ms`. */
  slowClose(ms: number, options?: ToxicOptions): Promise<Toxic> {
    const delay = checkAmount('slowClose', ms)
    return this.#add('slow_close', { delay }, checkToxicOptions('slowClose()', options))
  }

  /** Closes a connection once `bytes` have passed. */
  limitData(bytes: number, options?: ToxicOptions): Promise<Toxic> {
    const b = checkAmount('limitData', bytes, { integer: true })
    return this.#add('limit_data', { bytes: b }, checkToxicOptions('limitData()', options))
  }

  /** Slices data into small packets, optionally delayed (partial reads, TCP fragmentation). */
  slicer(options?: SlicerOptions): Promise<Toxic> {
    const { averageSize = 64, sizeVariation = 32, delayUs = 0, ...rest } = checkSlicerOptions(options)
    const attributes = { average_size: averageSize, size_variation: sizeVariation, delay: delayUs }
    return this.#add('slicer', attributes, rest)
  }

  /** Closes the listener and every open connection: new connections are refused until `up()`. */
  async down(): Promise<void> {
    this.#assertUsable('down')
    await this.#ctx.api().updateProxy(this.proxyName, { enabled: false })
    this.#enabled = false
  }

  /** Listens again on the same address. */
  async up(): Promise<void> {
    this.#assertUsable('up')
    await this.#ctx.api().updateProxy(this.proxyName, { enabled: true })
    this.#enabled = true
  }

  /** Removes every toxic (the link stays up or down as it is). */
  async clear(): Promise<void> {
    this.#assertUsable('clear')
    const all = [...this.#toxics.keys()]
    await Promise.all(all.map((t) => t.remove()))
  }

  /** Toxics off and the link up: the state of a fresh link. */
  async reset(): Promise<void> {
    await this.clear()
    if (!this.#enabled) await this.up()
  }

  /** @internal Re-creates the proxy and its toxics on a restarted server. */
  async recreate(api: ToxiproxyApi): Promise<void> {
    await api.createProxy({
      name: this.proxyName,
      listen: `${this.host}:${this.port}`,
      upstream: this.upstream,
      enabled: this.#enabled,
    })
    for (const bodies of this.#toxics.values()) await addToxics(api, this.proxyName, bodies)
  }

  /** @internal Deletes the proxy (its toxics go with it). */
  async remove(): Promise<void> {
    if (this.#removed) return
    this.#removed = true
    for (const t of this.#toxics.keys()) t.markRemoved()
    this.#toxics.clear()
    await this.#ctx.api().deleteProxy(this.proxyName)
  }

  #assertUsable(operation: string): void {
    this.#ctx.assertUsable(operation)
    if (this.#removed) throw new FixtureStateError(`toxiproxy link '${this.name}'`, operation, 'stopped')
  }

  async #add(type: ToxicType, attributes: Record<string, number>, options: ToxicOptions): Promise<Toxic> {
    this.#assertUsable(type)
    const bodies = toxicBodies(`${type}_${++this.#seq}`, type, attributes, options)
    await addToxics(this.#ctx.api(), this.proxyName, bodies)
    const toxic = new Toxic(
      type,
      bodies.map((b) => b.name),
      attributes,
      async (t) => {
        this.#toxics.delete(t)
        if (this.#removed) return
        await Promise.all(t.names.map((n) => this.#ctx.api().removeToxic(this.proxyName, n)))
      },
    )
    this.#toxics.set(toxic, bodies)
    return toxic
  }
}
