import { setTimeout as sleep } from 'node:timers/promises'
import { check, checkOptions, InvalidOptionsError, type OptionSchema } from '@infra/fixture-core'
import { WsConnectError, WsExpectationError, WsGroupExpectationError } from '../errors.js'
import { compileMatcher } from '../expect/compile-matcher.js'
import { describeMatcher, type Matcher } from '../expect/matcher.js'
import {
  CONNECT_OPTIONS,
  type ConnectOptions,
  checkConnect,
  connect,
  openClient,
  type WsClient,
} from './client.js'
import type { ReceivedMessage, WsMessage } from './message.js'

export const DEFAULT_CONNECT_CONCURRENCY = 100

export interface ConnectManyOptions extends ConnectOptions {
  /** How many handshakes run at once. Default 100. */
  concurrency?: number
  /** Per-client options (e.g. a different auth header or query per client), merged over the shared ones. */
  each?: (index: number) => ConnectOptions
}

export interface ExpectAllOptions {
  /** Shared deadline for all clients (ms). Default: the clients' expect timeout. */
  timeoutMs?: number
  /** Skip unrelated messages before each expected one (waitFor) instead of requiring them next (expect). */
  skipOthers?: boolean
  /**
   * After everyone got the sequence, keep watching this long for duplicates (ms). Default 0: only
   * duplicates already queued fail.
   */
  duplicateWindowMs?: number
}

const CONNECT_MANY_OPTIONS: OptionSchema<ConnectManyOptions> = {
  ...CONNECT_OPTIONS,
  concurrency: check.int(1),
  each: check.func(),
}

const EXPECT_ALL_OPTIONS: OptionSchema<ExpectAllOptions> = {
  timeoutMs: check.ms(),
  skipOthers: check.boolean(),
  duplicateWindowMs: check.ms({ allowZero: true }),
}

/**
 * Many clients as one: broadcast assertions (every client received it, once, in order), isolation
 * assertions (nobody received anything), bulk close. Create with {@link connectMany}.
 */
export class WsClientGroup implements AsyncDisposable, Iterable<WsClient> {
  readonly clients: readonly WsClient[]

  constructor(clients: readonly WsClient[]) {
    this.clients = clients
  }

  get size(): number {
    return this.clients.length
  }

  at(index: number): WsClient {
    const c = this.clients.at(index)
    if (!c) throw new RangeError(`no client at index ${index} (group of ${this.clients.length})`)
    return c
  }

  [Symbol.iterator](): Iterator<WsClient> {
    return this.clients[Symbol.iterator]()
  }

  /**
   * Every client's next message matches `matcher`, and no client has it twice. See
   * {@link expectAllInOrder} for sequences. Resolves with each client's message.
   */
  async expectAll(matcher: Matcher, opts: ExpectAllOptions = {}): Promise<WsMessage[]> {
    const all = await this.#expectSequence('expectAll', [matcher], opts)
    return all.map((msgs) => msgs[0]!)
  }

  /** Every client received `matchers` in this order (each exactly once). Resolves with the messages per client. */
  expectAllInOrder(matchers: readonly Matcher[], opts: ExpectAllOptions = {}): Promise<WsMessage[][]> {
    if (matchers.length === 0) throw new InvalidOptionsError('matchers', 'expected at least one matcher')
    return this.#expectSequence('expectAllInOrder', matchers, opts)
  }

  async #expectSequence(
    name: string,
    matchers: readonly Matcher[],
    opts: ExpectAllOptions,
  ): Promise<WsMessage[][]> {
    checkOptions(`${name}()`, opts, EXPECT_ALL_OPTIONS)
    const start = performance.now()
    const timeout = opts.timeoutMs ?? this.clients[0]?.expectTimeoutMs ?? 3_000
    const deadline = start + timeout
    const tests = matchers.map((m) => compileMatcher(m, 'auto').test)
    const operation = `${name}(${matchers.map((m) => describeMatcher(m)).join(', ')})`
    const results: WsMessage[][] = []
    const failures: { index: number; error: Error }[] = []
    await Promise.all(
      this.clients.map(async (c, index) => {
        const got: WsMessage[] = []
        try {
          for (const m of matchers) {
            const left = Math.max(1, Math.ceil(deadline - performance.now()))
            got.push(
              await (opts.skipOthers ? c.waitFor(m, { timeoutMs: left }) : c.expect(m, { timeoutMs: left })),
            )
          }
          results[index] = got
        } catch (err) {
          failures.push({ index, error: err as Error })
        }
      }),
    )
    if (failures.length === 0 && opts.duplicateWindowMs) await sleep(opts.duplicateWindowMs)
    if (failures.length === 0) {
      this.clients.forEach((c, index) => {
        const dup = c.pending.find((m) => tests.some((t) => t(m as ReceivedMessage)))
        if (dup) {
          failures.push({
            index,
            error: new WsExpectationError({
              kind: 'duplicate',
              operation,
              target: c.url,
              received: c.messages,
              examined: [...results[index]!, dup],
              waitedMs: performance.now() - start,
              timeoutMs: timeout,
              detail: `#${dup.seq} matches again after the expected sequence.`,
            }),
          })
        }
      })
    }
    if (failures.length) {
      failures.sort((a, b) => a.index - b.index)
      throw new WsGroupExpectationError(operation, this.clients.length, failures)
    }
    return results
  }

  /** No client receives anything (or anything matching `matcher`) within `ms`. For isolation tests. */
  async expectNone(ms = 200, matcher?: Matcher): Promise<void> {
    const failures: { index: number; error: Error }[] = []
    await Promise.all(
      this.clients.map((c, index) =>
        c.expectNoMessage(ms, matcher).catch((error: Error) => {
          failures.push({ index, error })
        }),
      ),
    )
    if (failures.length) {
      failures.sort((a, b) => a.index - b.index)
      throw new WsGroupExpectationError(`expectNone(${ms})`, this.clients.length, failures)
    }
  }

  /** Sends `JSON.stringify(value(i))` (or `value`) from every client. */
  sendJsonAll(value: unknown | ((client: WsClient, index: number) => unknown)): void {
    this.clients.forEach((c, i) => {
      c.sendJson(typeof value === 'function' ? (value as (c: WsClient, i: number) => unknown)(c, i) : value)
    })
  }

  /** Closes every client (handshake, then terminate after a short timeout). */
  async closeAll(code?: number, reason?: string): Promise<void> {
    await Promise.all(this.clients.map((c) => c.close(code, reason)))
  }

  /** Cuts every client's connection at once. */
  terminateAll(): void {
    for (const c of this.clients) c.terminate()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.closeAll()
  }
}

/**
 * Connects `count` clients to `url`, at most `concurrency` handshakes at a time. If any fails, the
 * others are closed and a {@link WsConnectError} says how many failed and why.
 */
export async function connectMany(
  url: string,
  count: number,
  opts: ConnectManyOptions = {},
): Promise<WsClientGroup> {
  if (!Number.isInteger(count) || count < 1) {
    throw new InvalidOptionsError('count', `expected an integer >= 1, got ${count}`)
  }
  checkOptions('connectMany()', opts, CONNECT_MANY_OPTIONS)
  const concurrency = opts.concurrency ?? DEFAULT_CONNECT_CONCURRENCY
  const { each, concurrency: _c, ...shared } = opts
  // Check the shared options once, not per client; when they are bad, connect() reports it per client
  // (as a WsConnectError naming how many failed), as it always did.
  const checked = (() => {
    try {
      checkConnect(url, shared)
      return true
    } catch {
      return false
    }
  })()
  const clients: WsClient[] = new Array(count)
  const errors: unknown[] = []
  let next = 0
  const worker = async () => {
    while (next < count && errors.length === 0) {
      const i = next++
      try {
        // the shared options were checked above; per-client ones get connect()'s checks
        clients[i] = await (each || !checked
          ? connect(url, each ? { ...shared, ...each(i) } : shared)
          : openClient(url, shared))
      } catch (err) {
        errors.push(err)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  if (errors.length) {
    const opened = clients.filter(Boolean)
    await Promise.all(opened.map((c) => c.close(1000, undefined, { timeoutMs: 500 })))
    const first = errors[0] as Error
    throw new WsConnectError(
      url,
      `${errors.length} of ${count} clients failed to connect (${opened.length} had opened and were closed). First error: ${first.message}`,
      { cause: first, ...(first instanceof WsConnectError && first.status ? { status: first.status } : {}) },
    )
  }
  return new WsClientGroup(clients)
}
