import { awaitMatch } from './await-match.js'
import type { MatchMode } from './compile-matcher.js'
import type { ExpectOptions } from './expect-options.js'
import { examinedSince } from './expectation-report.js'
import type { InboxScope } from './inbox-scope.js'
import type { ReceivedMessage, WsMessage } from './message.js'

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
