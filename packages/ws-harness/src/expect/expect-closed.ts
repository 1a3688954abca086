import type { MessageInbox } from '../client/message-inbox.js'
import { type CloseInfo, type ExpectationFailure, WsExpectationError } from '../errors.js'
import type { ExpectOptions } from './await-match.js'
import { describeMatcher, matchValue } from './matcher.js'

/** Waits until the inbox's socket is closed; with `code` (and `reason`), asserts how. */
export function expectClosed(
  inbox: MessageInbox,
  code?: number,
  opts?: ExpectOptions & { reason?: string | RegExp },
): Promise<CloseInfo> {
  const timeoutMs = opts?.timeoutMs ?? inbox.expectTimeoutMs
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
