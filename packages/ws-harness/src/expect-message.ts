import { compileMatcher, type MatchMode } from './compile-matcher.js'
import { type ExpectationFailure, WsExpectationError } from './errors.js'
import type { ExpectOptions } from './expect-options.js'
import { examinedSince, operationName } from './expectation-report.js'
import type { InboxScope } from './inbox-scope.js'
import { NOT_JSON, type ReceivedMessage, type WsMessage } from './message.js'

/** The next message of the scope must match (FIFO: no skipping); consumes it either way. */
export function expectMessage(
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
