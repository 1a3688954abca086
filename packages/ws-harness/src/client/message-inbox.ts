import type { CloseInfo } from '../errors.js'
import { DEFAULT_EXPECT_TIMEOUT_MS } from '../expect/await-match.js'
import { ReceivedMessage, type WsMessage } from './message.js'

/** Restricts what a view or an expectation sees; undefined sees everything. */
export type MessageFilter = ((m: ReceivedMessage) => boolean) | undefined

export interface InboxWaiter {
  filter: MessageFilter
  /** Returns true when the waiter consumed the message. */
  onMessage(m: ReceivedMessage): boolean
  onClose(): void
}

/** The default `onListenerError` (one shared function, not a closure per inbox). */
const ignoreError = (_err: unknown): void => {}

/**
 * The FIFO queue behind one socket: every message lands in `history`; unconsumed ones wait in `pending`
 * until an expectation takes them. Waiters are served in registration order.
 */
export class MessageInbox {
  readonly history: ReceivedMessage[] = []
  pending: ReceivedMessage[] = []
  private waiters: InboxWaiter[] = []
  private closeWaiters: ((c: CloseInfo) => void)[] = []
  seq = 0
  /** Called for every message before it is queued (server-side `onMessage` handlers). */
  listeners: ((m: WsMessage) => void)[] = []
  /** Where a throwing listener's error goes. */
  onListenerError: (err: unknown) => void = ignoreError
  /** When false, messages are handed to listeners/waiters but not queued or kept in history. */
  record = true
  closeInfo: CloseInfo | undefined

  constructor(
    readonly label: string,
    public expectTimeoutMs: number = DEFAULT_EXPECT_TIMEOUT_MS,
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

  takePending(filter: MessageFilter): ReceivedMessage | undefined {
    const p = this.pending
    if (p.length === 0) return undefined
    if (!filter) return p.shift()
    const i = p.findIndex(filter)
    if (i < 0) return undefined
    return p.splice(i, 1)[0]
  }

  addWaiter(w: InboxWaiter): () => void {
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
