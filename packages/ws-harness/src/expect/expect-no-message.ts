import type { ReceivedMessage } from '../client/message.js'
import { WsExpectationError } from '../errors.js'
import type { InboxScope } from './await-match.js'
import { compileMatcher } from './compile-matcher.js'
import { operationName } from './expectation-report.js'
import { describeMatcher, type Matcher } from './matcher.js'

/**
 * Rejects if a message of the scope (matching `matcher`, if given) is pending or arrives within `ms`.
 * Consumes nothing.
 */
export function expectNoMessage(
  { inbox, filter: f, filterLabel }: InboxScope,
  ms: number,
  matcher: Matcher | undefined,
): Promise<void> {
  const t = matcher === undefined ? undefined : compileMatcher(matcher, 'auto').test
  const accept = (m: ReceivedMessage) => (!f || f(m)) && (!t || t(m))
  const operation = `${operationName('expectNoMessage', undefined, filterLabel).slice(0, -1)}${ms}${matcher === undefined ? '' : `, ${describeMatcher(matcher)}`})`
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
