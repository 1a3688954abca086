import type { ReceivedMessage, WsMessage } from '../client/message.js'
import type { MessageFilter, MessageInbox } from '../client/message-inbox.js'
import type { CloseInfo } from '../errors.js'
import type { ExpectOptions, InboxScope } from './await-match.js'
import { compileMatcher } from './compile-matcher.js'
import { expectClosed } from './expect-closed.js'
import { expectMessage } from './expect-message.js'
import { expectNoMessage } from './expect-no-message.js'
import { describeMatcher, type Matcher } from './matcher.js'
import { waitForMessage } from './wait-for-message.js'

/**
 * Expectations over a socket's inbox, optionally restricted to the messages a filter accepts.
 * {@link WsClient} and {@link ServerConnection} are views without a filter; `filter()` makes narrower ones
 * (messages the filter rejects stay in the inbox for other views).
 */
export class InboxView {
  #inbox: MessageInbox | undefined
  readonly #filter: MessageFilter
  readonly #filterLabel: string | undefined

  /** @internal `inbox` undefined: a subclass creates it on first use ({@link createInbox}). */
  constructor(inbox: MessageInbox | undefined, filter?: MessageFilter, filterLabel?: string) {
    this.#inbox = inbox
    this.#filter = filter
    this.#filterLabel = filterLabel
  }

  /** @internal */
  protected get inbox(): MessageInbox {
    if (!this.#inbox) this.#inbox = this.createInbox()
    return this.#inbox
  }

  /** @internal builds the inbox of a view constructed without one */
  protected createInbox(): MessageInbox {
    throw new Error('ws-harness internal error: an InboxView without an inbox')
  }

  get #scope(): InboxScope {
    return { inbox: this.inbox, filter: this.#filter, filterLabel: this.#filterLabel }
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
  get expectTimeoutMs(): number {
    return this.inbox.expectTimeoutMs
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
    return expectMessage(this.#scope, 'next', undefined, 'auto', opts)
  }

  /**
   * The next message must match (FIFO: no skipping). Object matchers compare the parsed JSON partially;
   * strings and RegExps compare the text; predicates get the text (or bytes for binary frames).
   * Resolves with the message; rejects with a {@link WsExpectationError} listing what arrived instead.
   */
  expect(matcher?: Matcher, opts?: ExpectOptions): Promise<WsMessage> {
    return expectMessage(this.#scope, 'expect', matcher, 'auto', opts)
  }

  /** Like {@link expect} but the message must be JSON; matchers (and predicates) see the parsed value. Resolves with it. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON of unknown shape, typed by the caller
  async expectJson<T = any>(matcher?: Matcher, opts?: ExpectOptions): Promise<T> {
    const m = await expectMessage(this.#scope, 'expectJson', matcher, 'json', opts)
    return (m as ReceivedMessage).tryJson() as T
  }

  /** Skips (consumes) messages until one matches; resolves with it. */
  waitFor(matcher: Matcher, opts?: ExpectOptions): Promise<WsMessage> {
    return waitForMessage(this.#scope, 'waitFor', matcher, 'auto', opts)
  }

  /** Like {@link waitFor} over parsed JSON; resolves with the parsed value. */
  // biome-ignore lint/suspicious/noExplicitAny: JSON of unknown shape, typed by the caller
  async waitForJson<T = any>(matcher: Matcher, opts?: ExpectOptions): Promise<T> {
    const m = await waitForMessage(this.#scope, 'waitForJson', matcher, 'json', opts)
    return (m as ReceivedMessage).tryJson() as T
  }

  /**
   * Asserts that no message (of this view, or matching `matcher`) is pending or arrives within `ms`.
   * Does not consume anything.
   */
  expectNoMessage(ms = 200, matcher?: Matcher): Promise<void> {
    return expectNoMessage(this.#scope, ms, matcher)
  }

  /**
   * Waits until the socket is closed; with `code`, asserts the close code. Resolves with code and reason.
   * Messages still queued stay readable.
   */
  expectClosed(code?: number, opts?: ExpectOptions & { reason?: string | RegExp }): Promise<CloseInfo> {
    return expectClosed(this.inbox, code, opts)
  }
}
