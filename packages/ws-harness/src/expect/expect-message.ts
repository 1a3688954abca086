import { NOT_JSON, type ReceivedMessage, type WsMessage } from '../client/message.js'
import type { ExpectationFailure } from '../errors.js'
import type { ExpectOptions, InboxScope } from './await-match.js'
import { awaitMatch } from './await-match.js'
import type { MatchMode } from './compile-matcher.js'
import { examinedSince } from './expectation-report.js'

/** The next message of the scope must match (FIFO: no skipping); consumes it either way. */
export function expectMessage(
  scope: InboxScope,
  name: string,
  matcher: unknown,
  mode: MatchMode,
  opts?: ExpectOptions,
): Promise<WsMessage> {
  return awaitMatch(scope, name, matcher, mode, opts, ({ inbox, startSeq, pendingAtStart, report }) => {
    const fail = (kind: ExpectationFailure, examined: readonly WsMessage[]) =>
      report(
        kind,
        examined,
        mode === 'json' && examined[0] && (examined[0] as ReceivedMessage).tryJson() === NOT_JSON
          ? `#${examined[0].seq} is not JSON.`
          : undefined,
      )
    return {
      onMismatch: (m) => fail('mismatch', [m]),
      onEnd: (kind) => fail(kind, examinedSince(inbox, startSeq, pendingAtStart)),
    }
  })
}
