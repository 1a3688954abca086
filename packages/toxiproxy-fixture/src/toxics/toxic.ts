import type { ToxicJson, ToxicStream, ToxiproxyApi } from '../server/api-client.js'

/** Which way a toxic acts: on the responses (`downstream`, Toxiproxy's default), the requests, or both. */
export type Direction = 'downstream' | 'upstream' | 'both'

export interface ToxicOptions {
  /** Default `downstream` (server → client), as in Toxiproxy. */
  direction?: Direction
  /** Share of connections affected, 0..1. Default 1. */
  toxicity?: number
}

/** The toxics a link knows (Toxiproxy's type names). */
export type ToxicType =
  | 'latency'
  | 'bandwidth'
  | 'slow_close'
  | 'timeout'
  | 'reset_peer'
  | 'slicer'
  | 'limit_data'

/**
 * One toxic on one link, possibly on both streams. `remove()` (or `await using`) takes it off again; removing
 * twice, or after `link.clear()`, is a no-op.
 */
export class Toxic implements AsyncDisposable {
  #removed = false
  readonly #detach: (toxic: Toxic) => Promise<void>

  /** @internal Created by the link's toxic methods. */
  constructor(
    readonly type: ToxicType,
    /** The Toxiproxy toxic names, one per stream. */
    readonly names: readonly string[],
    readonly attributes: Readonly<Record<string, number>>,
    detach: (toxic: Toxic) => Promise<void>,
  ) {
    this.#detach = detach
  }

  get removed(): boolean {
    return this.#removed
  }

  /** @internal Marks the toxic gone without an API call (the link was cleared or removed). */
  markRemoved(): void {
    this.#removed = true
  }

  async remove(): Promise<void> {
    if (this.#removed) return
    this.#removed = true
    await this.#detach(this)
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.remove()
  }
}

/** The Toxiproxy toxics (one per stream) for a toxic of `type` on `direction`. */
export function toxicBodies(
  baseName: string,
  type: ToxicType,
  attributes: Record<string, number>,
  options: ToxicOptions = {},
): ToxicJson[] {
  const direction = options.direction ?? 'downstream'
  const streams: ToxicStream[] = direction === 'both' ? ['downstream', 'upstream'] : [direction]
  return streams.map((stream) => ({
    name: `${baseName}_${stream}`,
    type,
    stream,
    toxicity: options.toxicity ?? 1,
    attributes,
  }))
}

/** Adds the toxics of one {@link Toxic}; if the second stream fails, the first is taken off again. */
export async function addToxics(api: ToxiproxyApi, proxy: string, bodies: ToxicJson[]): Promise<void> {
  const added: string[] = []
  try {
    for (const body of bodies) {
      await api.addToxic(proxy, body)
      added.push(body.name)
    }
  } catch (err) {
    await Promise.allSettled(added.map((name) => api.removeToxic(proxy, name)))
    throw err
  }
}
