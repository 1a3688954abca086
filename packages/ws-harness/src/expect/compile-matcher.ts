import { NOT_JSON, type ReceivedMessage } from '../client/message.js'
import { isStructural, matchValue } from './matcher.js'

/** `json`: the message must be JSON and matchers see the parsed value; `auto`: decided by the matcher. */
export type MatchMode = 'auto' | 'json'

function matchedValue(m: ReceivedMessage, json: boolean): unknown {
  return json ? m.tryJson() : m.value
}

/** @internal Compiles a matcher into a test over received messages. */
export function compileMatcher(
  matcher: unknown,
  mode: MatchMode,
): { json: boolean; test: (m: ReceivedMessage) => boolean } {
  const json = mode === 'json' || isStructural(matcher)
  if (matcher === undefined) {
    return { json, test: json ? (m) => m.tryJson() !== NOT_JSON : () => true }
  }
  return {
    json,
    test: (m) => {
      const v = matchedValue(m, json)
      return v !== NOT_JSON && matchValue(matcher, v, m)
    },
  }
}
