import { compileMatcher, type MatchMode } from './compile-matcher.js'
import { type ExpectationFailure, WsExpectationError } from './errors.js'
import type { ExpectOptions } from './expect-options.js'
import { examinedSince, operationName } from './expectation-report.js'
import type { InboxScope } from './inbox-scope.js'
import type { ReceivedMessage, WsMessage } from './message.js'

/** Skips (consumes) messages of the scope until one matches; resolves with it. */
export function waitForMessage(
  { inbox, filter, filterLabel }: InboxScope,
  name: string,
  matcher: unknown,
  mode: MatchMode,
  opts?: ExpectOptions,
): Promise<WsMessage> {
  const timeoutMs = opts?.timeout ?? inbox.expectTimeout
  const { json, test } = compileMatcher(matcher, mode)
  const operation = operationName(name, matcher, filterLabel)
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
