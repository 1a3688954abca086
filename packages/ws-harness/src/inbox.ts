import { type CloseInfo, type ExpectationFailure, WsExpectationError } from './errors.js'
import { describeMatcher, isStructural, type Matcher, matchValue } from './matcher.js'
import { NOT_JSON, ReceivedMessage, type WsMessage } from './message.js'

/** Default timeout of inbox expectations (ms): generous for a loaded CI machine, but finite. */
export const DEFAULT_EXPECT_TIMEOUT_MS = 3_000

export interface ExpectOptions {
  /** How long to wait (ms). Default: the socket's `expectTimeout` (3 000 ms unless configured). */
  timeout?: number
}

type Filter = ((m: ReceivedMessage) => boolean) | undefined

interface Waiter {
  filter: Filter
  /** Returns true when the waiter consumed the message. */
  onMessage(m: ReceivedMessage): boolean
  onClose(): void
}

/**
 * The FIFO queue behind one socket: every message lands in `history`; unconsumed ones wait in `pending`
 * until an expectation takes them. Waiters are served in registration order.
 */
export class MessageInbox {
  readonly history: ReceivedMessage[] = []
  pending: ReceivedMessage[] = []
  private waiters: Waiter[] = []
  private closeWaiters: ((c: CloseInfo) => void)[] = []
  seq = 0
  /** Called for every message before it is queued (server-side `onMessage` handlers). */
  listeners: ((m: WsMessage) => void)[] = []
  /** Where a throwing listener's error goes. */
  onListenerError: (err: unknown) => void = () => {}
  /** When false, messages are handed to listeners/waiters but not queued or kept in history. */
  record = true
  closeInfo: CloseInfo | undefined

  constructor(
    readonly label: string,
    public expectTimeout: number = DEFAULT_EXPECT_TIMEOUT_MS,
    readonly historyLimit: number = Number.POSITIVE_INFINITY,
  ) {}

  push(data: Buffer, isBinary: boolean): ReceivedMessage {
    const m = new ReceivedMessage(++this.seq, data, isBinary, performance.now())
    if (this.listeners.length > 0) {
      for (const l of this.listeners) {
        try {
          l(m)
        } catch (err) {
          this.onListenerError(err)
        }
      }
    }
    if (this.record) {
      const h = this.history
      h.push(m)
      if (h.length > this.historyLimit * 2) h.splice(0, h.length - this.historyLimit)
    }
    const fast = this.#fastCb
    if (fast) {
      this.#fastCb = undefined
      this.#fastFail = undefined
      fast(m)
      return m
    }
    const ws = this.waiters
    if (ws.length > 0) {
      for (const w of ws.length === 1 ? [ws[0]!] : ws.slice()) {
        if (w.filter && !w.filter(m)) continue
        if (w.onMessage(m)) return m
      }
    }
    if (this.record) this.pending.push(m)
    return m
  }

  markClosed(info: CloseInfo): void {
    if (this.closeInfo) return
    this.closeInfo = info
    const fail = this.#fastFail
    this.cancelNext()
    fail?.(info)
    for (const w of this.waiters.slice()) w.onClose()
    for (const r of this.closeWaiters.splice(0)) r(info)
  }

  /** The retained history (at most `historyLimit` messages). */
  messages(): WsMessage[] {
    const h = this.history
    return h.length > this.historyLimit ? h.slice(h.length - this.historyLimit) : h.slice()
  }

  takePending(filter: Filter): ReceivedMessage | undefined {
    const p = this.pending
    if (p.length === 0) return undefined
    if (!filter) return p.shift()
    const i = p.findIndex(filter)
    if (i < 0) return undefined
    return p.splice(i, 1)[0]
  }

  addWaiter(w: Waiter): () => void {
    this.waiters.push(w)
    return () => {
      const i = this.waiters.indexOf(w)
      if (i >= 0) this.waiters.splice(i, 1)
    }
  }

  onClose(cb: (c: CloseInfo) => void): void {
    if (this.closeInfo) cb(this.closeInfo)
    else this.closeWaiters.push(cb)
  }

  #fastCb: ((m: ReceivedMessage) => void) | undefined
  #fastFail: ((info: CloseInfo) => void) | undefined

  /**
   * Hands the next message to `cb` (synchronously when one is pending), bypassing timers and promises:
   * the hot path of the measurement helpers, which bound a whole run with one timeout. One slot per inbox.
   * `onClose` runs instead when the socket closes first.
   */
  onNext(cb: (m: ReceivedMessage) => void, onClose: (info: CloseInfo) => void): void {
    const m = this.pending.shift()
    if (m) {
      cb(m)
      return
    }
    if (this.closeInfo) {
      onClose(this.closeInfo)
      return
    }
    this.#fastCb = cb
    this.#fastFail = onClose
  }

  /** Clears a pending {@link onNext} slot. */
  cancelNext(): void {
    this.#fastCb = undefined
    this.#fastFail = undefined
  }
}

export type Mode = 'auto' | 'json'

function matchedValue(m: ReceivedMessage, json: boolean): unknown {
  return json ? m.tryJson() : m.value
}

/** @internal Compiles a matcher into a test over received messages. */
export function compileMatcher(
  matcher: unknown,
  mode: Mode,
): { json: boolean; test: (m: ReceivedMessage) => boolean } {
  const json = mode === 'json' || isStructural(matcher)
  if (matcher === undefined) {
    return { json, test: json ? (m) => m.tryJson() !== NOT_JSON : () => true }
  }
  return {
    json,
    test: (m) => {
      const v = matchedValue(m, json)
      return v !== NOT_JSON && matchValue(matcher, v, m)
    },
  }
}

function opName(name: string, matcher: unknown, viewLabel: string | undefined): string {
  const args = matcher === undefined ? '' : describeMatcher(matcher)
  return `${viewLabel ? `filter(${viewLabel}).` : ''}${name}(${args})`
}

/**
 * Expectations over a socket's inbox, optionally restricted to the messages a filter accepts.
 * {@link WsClient} and {@link ServerConnection} are views without a filter; `filter()` makes narrower ones
 * (messages the filter rejects stay in the inbox for other views).
 */
export class InboxView {
  /** @internal */
  protected readonly inbox: MessageInbox
  readonly #filter: Filter
  readonly #filterLabel: string | undefined

  constructor(inbox: MessageInbox, filter?: Filter, filterLabel?: string) {
    this.inbox = inbox
    this.#filter = filter
    this.#filterLabel = filterLabel
  }

  /** Everything received so far, in order (consumed or not; bounded by `historyLimit`). */
  get messages(): WsMessage[] {
    const all = this.inbox.messages()
    return this.#filter ? all.filter(this.#filter as (m: WsMessage) => boolean) : all
  }

  /** Received messages no expectation has consumed yet (restricted to this view's filter). */
  get pending(): WsMessage[] {
    return this.#filter ? this.inbox.pending.filter(this.#filter) : this.inbox.pending.slice()
  }

  /** Removes and returns the pending messages of this view. */
  drain(): WsMessage[] {
    const f = this.#filter
    if (!f) return this.inbox.pending.splice(0)
    const taken = this.inbox.pending.filter(f)
    this.inbox.pending = this.inbox.pending.filter((m) => !f(m))
    return taken
  }

  /** @internal next message by callback, without timers (measurement helpers) */
  _onNext(cb: (m: WsMessage) => void, onClose: (info: CloseInfo) => void): void {
    this.inbox.onNext(cb, onClose)
  }

  /** @internal */
  _cancelNext(): void {
    this.inbox.cancelNext()
  }

  /** The default timeout of this socket's expectations (ms). */
  get inboxTimeout(): number {
    return this.inbox.expectTimeout
  }

  /** How the socket closed, once it has. */
  get closeInfo(): CloseInfo | undefined {
    return this.inbox.closeInfo
  }

  /**
   * A view that only sees messages matching `matcher` (object matchers compare JSON). Expectations on the
   * view consume only those; others stay queued for the socket and other views.
   */
  filter(matcher: Matcher): InboxView {
    const { test } = compileMatcher(matcher, 'auto')
    const outer = this.#filter
    const label = describeMatcher(matcher)
    return new InboxView(
      this.inbox,
      outer ? (m) => outer(m) && test(m) : test,
      this.#filterLabel ? `${this.#filterLabel} & ${label}` : label,
    )
  }

  /** The next message (any content). */
  next(opts?: ExpectOptions): Promise<WsMessage> {
    return this.#expect('next', undefined, 'auto', opts)
  }

  /**
   * The next message must match (FIFO: no skipping). Object matchers compare the parsed JSON partially;
   * strings and RegExps compare the text; predicates get the text (or bytes for binary frames).
   * Resolves with the message; rejects with a {@link WsExpectationError} listing what arrived instead.
   */
  expect(matcher?: Matcher, opts?: ExpectOptions): Promise<WsMessage> {
    return this.#expect('expect', matcher, 'auto', opts)
  }

  /** Like {@link expect} but the message must be JSON; matchers (and predicates) see the parsed value. Resolves with it. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON of unknown shape, typed by the caller
  async expectJson<T = any>(matcher?: Matcher, opts?: ExpectOptions): Promise<T> {
    const m = await this.#expect('expectJson', matcher, 'json', opts)
    return (m as ReceivedMessage).tryJson() as T
  }

  /** Skips (consumes) messages until one matches; resolves with it. */
  waitFor(matcher: Matcher, opts?: ExpectOptions): Promise<WsMessage> {
    return this.#waitFor('waitFor', matcher, 'auto', opts)
  }

  /** Like {@link waitFor} over parsed JSON; resolves with the parsed value. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON of unknown shape, typed by the caller
  async waitForJson<T = any>(matcher: Matcher, opts?: ExpectOptions): Promise<T> {
    const m = await this.#waitFor('waitForJson', matcher, 'json', opts)
    return (m as ReceivedMessage).tryJson() as T
  }

  /**
   * Asserts that no message (of this view, or matching `matcher`) is pending or arrives within `ms`.
   * Does not consume anything.
   */
  expectNoMessage(ms = 200, matcher?: Matcher): Promise<void> {
    const inbox = this.inbox
    const f = this.#filter
    const t = matcher === undefined ? undefined : compileMatcher(matcher, 'auto').test
    const accept = (m: ReceivedMessage) => (!f || f(m)) && (!t || t(m))
    const operation = `${opName('expectNoMessage', undefined, this.#filterLabel).slice(0, -1)}${ms}${matcher === undefined ? '' : `, ${describeMatcher(matcher)}`})`
    const start = performance.now()
    const fail = (m: ReceivedMessage) =>
      new WsExpectationError({
        kind: 'unexpected-message',
        operation,
        target: inbox.label,
        received: inbox.messages(),
        examined: [m],
        waitedMs: performance.now() - start,
        timeoutMs: ms,
        detail: `Unexpected: #${m.seq}.`,
      })
    const already = inbox.pending.find(accept)
    if (already) return Promise.reject(fail(already))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        remove()
        resolve()
      }, ms)
      const remove = inbox.addWaiter({
        filter: accept,
        onMessage: (m) => {
          clearTimeout(timer)
          remove()
          reject(fail(m))
          return false
        },
        onClose: () => {},
      })
    })
  }

  /**
   * Waits until the socket is closed; with `code`, asserts the close code. Resolves with code and reason.
   * Messages still queued stay readable.
   */
  expectClosed(code?: number, opts?: ExpectOptions & { reason?: string | RegExp }): Promise<CloseInfo> {
    const inbox = this.inbox
    const timeoutMs = opts?.timeout ?? inbox.expectTimeout
    const operation = `expectClosed(${code ?? ''})`
    const start = performance.now()
    const report = (kind: ExpectationFailure, detail?: string) =>
      new WsExpectationError({
        kind,
        operation,
        target: inbox.label,
        received: inbox.messages(),
        examined: [],
        waitedMs: performance.now() - start,
        timeoutMs,
        closeInfo: inbox.closeInfo,
        detail,
      })
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(report('not-closed')), timeoutMs)
      inbox.onClose((info) => {
        clearTimeout(timer)
        if (code !== undefined && info.code !== code) {
          reject(report('close-code', `Expected close code ${code}, got ${info.code}.`))
        } else if (opts?.reason !== undefined && !matchValue(opts.reason, info.reason)) {
          reject(
            report(
              'close-code',
              `Expected close reason ${describeMatcher(opts.reason)}, got "${info.reason}".`,
            ),
          )
        } else resolve(info)
      })
    })
  }

  #expect(name: string, matcher: unknown, mode: Mode, opts?: ExpectOptions): Promise<WsMessage> {
    const inbox = this.inbox
    const filter = this.#filter
    const timeoutMs = opts?.timeout ?? inbox.expectTimeout
    const { json, test } = compileMatcher(matcher, mode)
    const operation = opName(name, matcher, this.#filterLabel)
    const start = performance.now()
    const startSeq = inbox.seq
    const pendingAtStart = inbox.pending.slice()
    const report = (kind: ExpectationFailure, examined: readonly WsMessage[]) =>
      new WsExpectationError({
        kind,
        operation,
        target: inbox.label,
        received: inbox.messages(),
        examined,
        waitedMs: performance.now() - start,
        timeoutMs,
        matcher,
        json,
        closeInfo: inbox.closeInfo,
        detail:
          mode === 'json' && examined[0] && (examined[0] as ReceivedMessage).tryJson() === NOT_JSON
            ? `#${examined[0].seq} is not JSON.`
            : undefined,
      })
    const first = inbox.takePending(filter)
    if (first) return test(first) ? Promise.resolve(first) : Promise.reject(report('mismatch', [first]))
    if (inbox.closeInfo) return Promise.reject(report('closed', pendingAtStart))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        remove()
        reject(report('timeout', examinedSince(inbox, startSeq, pendingAtStart)))
      }, timeoutMs)
      const remove = inbox.addWaiter({
        filter,
        onMessage: (m) => {
          clearTimeout(timer)
          remove()
          if (test(m)) resolve(m)
          else reject(report('mismatch', [m]))
          return true
        },
        onClose: () => {
          clearTimeout(timer)
          remove()
          reject(report('closed', examinedSince(inbox, startSeq, pendingAtStart)))
        },
      })
    })
  }

  #waitFor(name: string, matcher: unknown, mode: Mode, opts?: ExpectOptions): Promise<WsMessage> {
    const inbox = this.inbox
    const filter = this.#filter
    const timeoutMs = opts?.timeout ?? inbox.expectTimeout
    const { json, test } = compileMatcher(matcher, mode)
    const operation = opName(name, matcher, this.#filterLabel)
    const start = performance.now()
    const startSeq = inbox.seq
    const pendingAtStart = inbox.pending.slice()
    const skipped: ReceivedMessage[] = []
    const report = (kind: ExpectationFailure) =>
      new WsExpectationError({
        kind,
        operation,
        target: inbox.label,
        received: inbox.messages(),
        examined: examinedSince(inbox, startSeq, [...pendingAtStart, ...skipped]),
        waitedMs: performance.now() - start,
        timeoutMs,
        matcher,
        json,
        closeInfo: inbox.closeInfo,
        detail: skipped.length ? `Skipped ${skipped.length} non-matching message(s).` : undefined,
      })
    for (;;) {
      const m = inbox.takePending(filter)
      if (!m) break
      if (test(m)) return Promise.resolve(m)
      skipped.push(m)
    }
    if (inbox.closeInfo) return Promise.reject(report('closed'))
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        remove()
        reject(report('timeout'))
      }, timeoutMs)
      const remove = inbox.addWaiter({
        filter,
        onMessage: (m) => {
          if (test(m)) {
            clearTimeout(timer)
            remove()
            resolve(m)
          } else skipped.push(m)
          return true
        },
        onClose: () => {
          clearTimeout(timer)
          remove()
          reject(report('closed'))
        },
      })
    })
  }
}

function examinedSince(inbox: MessageInbox, startSeq: number, extra: readonly WsMessage[]): WsMessage[] {
  const set = new Set<WsMessage>(extra)
  for (const m of inbox.history) if (m.seq > startSeq) set.add(m)
  return [...set].sort((a, b) => a.seq - b.seq)
}
