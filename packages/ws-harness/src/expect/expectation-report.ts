import type { WsMessage } from '../client/message.js'
import type { MessageInbox } from '../client/message-inbox.js'
import { describeMatcher } from './matcher.js'

/** How a failed expectation names itself, e.g. `filter({type: "chat"}).expect({n: 1})`. */
export function operationName(name: string, matcher: unknown, viewLabel: string | undefined): string {
  const args = matcher === undefined ? '' : describeMatcher(matcher)
  return `${viewLabel ? `filter(${viewLabel}).` : ''}${name}(${args})`
}

/** The messages an expectation looked at: `extra` plus everything received after `startSeq`, in order. */
export function examinedSince(
  inbox: MessageInbox,
  startSeq: number,
  extra: readonly WsMessage[],
): WsMessage[] {
  const set = new Set<WsMessage>(extra)
  for (const m of inbox.history) if (m.seq > startSeq) set.add(m)
  return [...set].sort((a, b) => a.seq - b.seq)
}
