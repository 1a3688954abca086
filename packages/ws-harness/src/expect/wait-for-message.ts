import type { ReceivedMessage, WsMessage } from '../client/message.js'
import type { ExpectOptions, InboxScope } from './await-match.js'
import { awaitMatch } from './await-match.js'
import type { MatchMode } from './compile-matcher.js'
import { examinedSince } from './expectation-report.js'

/** Skips (consumes) messages of the scope until one matches; resolves with it. */
export function waitForMessage(
  scope: InboxScope,
  name: string,
  matcher: unknown,
  mode: MatchMode,
  opts?: ExpectOptions,
): Promise<WsMessage> {
  return awaitMatch(scope, name, matcher, mode, opts, ({ inbox, startSeq, pendingAtStart, report }) => {
    const skipped: ReceivedMessage[] = []
    return {
      onMismatch: (m) => {
        skipped.push(m)
        return undefined
      },
      onEnd: (kind) =>
        report(
          kind,
          examinedSince(inbox, startSeq, [...pendingAtStart, ...skipped]),
          skipped.length ? `Skipped ${skipped.length} non-matching message(s).` : undefined,
        ),
    }
  })
}
