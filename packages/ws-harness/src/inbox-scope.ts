import type { MessageFilter, MessageInbox } from './message-inbox.js'

/** What an expectation runs over: a socket's inbox, seen through a view's filter. */
export interface InboxScope {
  inbox: MessageInbox
  filter: MessageFilter
  /** How the filter describes itself in failures (undefined: no filter). */
  filterLabel: string | undefined
}
