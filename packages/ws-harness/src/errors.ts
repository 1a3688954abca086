import { FixtureError } from '@infra/fixture-core'
import { NOT_JSON, preview, ReceivedMessage, type WsMessage } from './client/message.js'
import { type DiffLine, diffPartial, formatDiff } from './expect/json-diff.js'
import { isStructural } from './expect/matcher.js'

/** Why an expectation failed. */
export type ExpectationFailure =
  /** nothing matching arrived in time */
  | 'timeout'
  /** the next message did not match (`expect`) */
  | 'mismatch'
  /** the socket closed while waiting for a message */
  | 'closed'
  /** a message arrived during `expectNoMessage` */
  | 'unexpected-message'
  /** a broadcast arrived more than once */
  | 'duplicate'
  /** `expectClosed(code)` saw another code */
  | 'close-code'
  /** `expectClosed` timed out with the socket still open */
  | 'not-closed'

export interface CloseInfo {
  code: number
  reason: string
}

export interface ExpectationReport {
  kind: ExpectationFailure
  /** e.g. `expectJson({"type":"move"})` */
  operation: string
  /** Which socket: a client URL or a server connection label. */
  target: string
  /** Everything this socket received so far (bounded by its history limit). */
  received: readonly WsMessage[]
  /** The messages this expectation looked at (candidates for the closest match). */
  examined: readonly WsMessage[]
  waitedMs: number
  timeoutMs: number
  /** The structural matcher, for the diff; undefined for predicates/regexps. */
  matcher?: unknown
  /** Compare against parsed JSON (expectJson/waitForJson) rather than raw text. */
  json?: boolean
  closeInfo?: CloseInfo | undefined
  detail?: string
}

const LIST_MAX = 20

/**
 * An expectation on a socket's inbox failed. The message lists what the socket received instead,
 * a JSON diff against the closest candidate (for object matchers) and how long it waited.
 */
export class WsExpectationError extends FixtureError {
  readonly kind: ExpectationFailure
  readonly operation: string
  readonly target: string
  readonly received: readonly WsMessage[]
  readonly examined: readonly WsMessage[]
  readonly waitedMs: number
  readonly timeoutMs: number
  readonly closest: { message: WsMessage; diff: readonly DiffLine[] } | undefined
  readonly closeInfo: CloseInfo | undefined

  constructor(r: ExpectationReport) {
    const candidates = r.examined.length ? r.examined : r.received
    const closest = r.matcher !== undefined ? findClosest(r.matcher, candidates, r.json ?? false) : undefined
    super('WS_EXPECTATION', render(r, closest))
    this.kind = r.kind
    this.operation = r.operation
    this.target = r.target
    this.received = r.received
    this.examined = r.examined
    this.waitedMs = r.waitedMs
    this.timeoutMs = r.timeoutMs
    this.closest = closest
    this.closeInfo = r.closeInfo
  }
}

function headline(r: ExpectationReport): string {
  const waited = `waited ${Math.round(r.waitedMs)} ms`
  const closed = r.closeInfo
    ? ` (code ${r.closeInfo.code}${r.closeInfo.reason ? ` "${r.closeInfo.reason}"` : ''})`
    : ''
  switch (r.kind) {
    case 'timeout':
      return `${r.operation} timed out after ${Math.round(r.timeoutMs)} ms (${waited}) on ${r.target}`
    case 'mismatch':
      return `${r.operation} failed on ${r.target}: the next message did not match (${waited})`
    case 'closed':
      return `${r.operation} failed on ${r.target}: the socket closed${closed} before a matching message arrived (${waited})`
    case 'unexpected-message':
      return `${r.operation} failed on ${r.target}: a message arrived (${waited} of ${r.timeoutMs} ms)`
    case 'duplicate':
      return `${r.operation} failed on ${r.target}: the message arrived more than once (${waited})`
    case 'close-code':
      return `${r.operation} failed on ${r.target}: the socket closed${closed} (${waited})`
    case 'not-closed':
      return `${r.operation} timed out after ${Math.round(r.timeoutMs)} ms (${waited}) on ${r.target}: the socket is still open`
  }
}

function render(r: ExpectationReport, closest: WsExpectationError['closest']): string {
  const lines = [`${headline(r)}.`]
  if (r.detail) lines.push(r.detail)
  const examined = new Set(r.examined)
  if (r.received.length === 0) {
    lines.push('Received no messages at all.')
  } else {
    const shown = r.received.slice(-LIST_MAX)
    const hidden = r.received.length - shown.length
    lines.push(
      `Received ${r.received.length} message${r.received.length === 1 ? '' : 's'}${hidden ? ` (last ${shown.length} shown)` : ''}` +
        ` (* = looked at by this expectation):`,
    )
    for (const m of shown) lines.push(`  ${examined.has(m) ? '*' : ' '} #${m.seq} ${preview(m)}`)
  }
  if (closest) {
    lines.push(`Closest is #${closest.message.seq}; difference (- expected, + received):`)
    lines.push(formatDiff(closest.diff))
  }
  return lines.join('\n')
}

function candidateValue(m: WsMessage, json: boolean): unknown {
  if (m instanceof ReceivedMessage) {
    const v = m.tryJson()
    if (v !== NOT_JSON) return v
    return json ? NOT_JSON : m.value
  }
  return m.text
}

function findClosest(
  matcher: unknown,
  candidates: readonly WsMessage[],
  json: boolean,
): WsExpectationError['closest'] {
  if (!isStructural(matcher)) return undefined
  let best: WsExpectationError['closest']
  for (const m of candidates) {
    const v = candidateValue(m, json)
    if (v === NOT_JSON) continue
    const diff = diffPartial(matcher, v)
    if (diff.length === 0) continue
    if (!best || diff.length <= best.diff.length) best = { message: m, diff }
  }
  return best
}

/** The WebSocket handshake failed (refused, timed out, or the server answered with a non-101 status). */
export class WsConnectError extends FixtureError {
  readonly url: string
  /** HTTP status when the server rejected the upgrade (e.g. 401). */
  readonly status: number | undefined
  /** Start of the HTTP response body when the server rejected the upgrade. */
  readonly body: string | undefined
  constructor(url: string, reason: string, opts: { status?: number; body?: string; cause?: unknown } = {}) {
    const body = opts.body ? `\nResponse body: ${opts.body.slice(0, 500)}` : ''
    super('WS_CONNECT', `Could not open a WebSocket to ${url}: ${reason}${body}`, { cause: opts.cause })
    this.url = url
    this.status = opts.status
    this.body = opts.body
  }
}

/** A send on a socket that is not open (still connecting, closing or closed). */
export class WsNotOpenError extends FixtureError {
  constructor(target: string, state: string) {
    super('WS_NOT_OPEN', `Cannot send on ${target}: the socket is ${state}.`)
  }
}

/** An expectation over a group of clients failed for some of them. */
export class WsGroupExpectationError extends FixtureError {
  readonly failures: readonly { index: number; error: Error }[]
  readonly size: number
  constructor(operation: string, size: number, failures: { index: number; error: Error }[], show = 3) {
    const head = `${operation} failed for ${failures.length} of ${size} clients (indexes ${failures
      .slice(0, 20)
      .map((f) => f.index)
      .join(', ')}${failures.length > 20 ? ', …' : ''}).`
    const details = failures
      .slice(0, show)
      .map((f) => `--- client #${f.index} ---\n${f.error.message}`)
      .join('\n')
    super('WS_GROUP_EXPECTATION', `${head}\n${details}`)
    this.failures = failures
    this.size = size
  }
}
