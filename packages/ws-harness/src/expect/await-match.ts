import type { ReceivedMessage, WsMessage } from '../client/message.js'
import type { MessageFilter, MessageInbox } from '../client/message-inbox.js'
import { type ExpectationFailure, WsExpectationError } from '../errors.js'
import { compileMatcher, type MatchMode } from './compile-matcher.js'
import { operationName } from './expectation-report.js'

/** Default timeout of inbox expectations (ms): generous for a loaded CI machine, but finite. */
export const DEFAULT_EXPECT_TIMEOUT_MS = 3_000

export interface ExpectOptions {
  /** How long to wait (ms). Default: the socket's `expectTimeoutMs` (3 000 ms unless configured). */
  timeoutMs?: number
}

/** What an expectation runs over: a socket's inbox, seen through a view's filter. */
export interface InboxScope {
  inbox: MessageInbox
  filter: MessageFilter
  /** How the filter describes itself in failures (undefined: no filter). */
  filterLabel: string | undefined
}

/** What an expectation knows when it builds its failure. */
export interface MatchContext {
  inbox: MessageInbox
  /** `inbox.seq` when the expectation started. */
  startSeq: number
  /** The scope's unconsumed messages when the expectation started. */
  pendingAtStart: readonly ReceivedMessage[]
  report(
    kind: ExpectationFailure,
    examined: readonly WsMessage[],
    detail: string | undefined,
  ): WsExpectationError
}

/** How an expectation treats a message of its scope that does not match, and how it fails. */
export interface MatchPolicy {
  /** An error to reject with, or undefined to skip the message and keep waiting. */
  onMismatch(m: ReceivedMessage): Error | undefined
  /** The error when the socket is closed or the timeout elapses first. */
  onEnd(kind: 'closed' | 'timeout'): Error
}

/**
 * The shared machinery of `expectMessage` and `waitForMessage`: takes messages of the scope (pending
 * ones first, then arriving ones) until one matches `matcher` or `policy` gives up, within the timeout.
 */
export function awaitMatch(
  { inbox, filter, filterLabel }: InboxScope,
  name: string,
  matcher: unknown,
  mode: MatchMode,
  opts: ExpectOptions | undefined,
  makePolicy: (ctx: MatchContext) => MatchPolicy,
): Promise<WsMessage> {
  const timeoutMs = opts?.timeoutMs ?? inbox.expectTimeoutMs
  const { json, test } = compileMatcher(matcher, mode)
  const operation = operationName(name, matcher, filterLabel)
  const start = performance.now()
  const { onMismatch, onEnd } = makePolicy({
    inbox,
    startSeq: inbox.seq,
    pendingAtStart: inbox.pending.slice(),
    report: (kind, examined, detail) =>
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
        detail,
      }),
  })
  for (;;) {
    const m = inbox.takePending(filter)
    if (!m) break
    if (test(m)) return Promise.resolve(m)
    const error = onMismatch(m)
    if (error) return Promise.reject(error)
  }
  if (inbox.closeInfo) return Promise.reject(onEnd('closed'))
  return new Promise((resolve, reject) => {
    const settle = () => {
      clearTimeout(timer)
      remove()
    }
    const timer = setTimeout(() => {
      remove()
      reject(onEnd('timeout'))
    }, timeoutMs)
    const remove = inbox.addWaiter({
      filter,
      onMessage: (m) => {
        if (test(m)) {
          settle()
          resolve(m)
        } else {
          const error = onMismatch(m)
          if (error) {
            settle()
            reject(error)
          }
        }
        return true
      },
      onClose: () => {
        settle()
        reject(onEnd('closed'))
      },
    })
  })
}
