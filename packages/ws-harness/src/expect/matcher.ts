import type { WsMessage } from '../client/message.js'

/** A predicate over the matched value (text, bytes or parsed JSON) and the whole message. */
// biome-ignore lint/suspicious/noExplicitAny: lets callers annotate the parameter, e.g. (m: { n: number }) => …
export type MatcherFn = (value: any, message: WsMessage) => unknown

/**
 * What a message is compared with:
 * - a function: a predicate (truthy = match);
 * - a RegExp: tested against text (or the JSON text of a parsed value);
 * - a plain object or array: deep *partial* match against JSON (extra keys in the message are fine,
 *   arrays must have the same length; nested values may themselves be RegExps, functions, or
 *   asymmetric matchers such as vitest's `expect.any(Number)`);
 * - a Buffer/Uint8Array: exact bytes;
 * - anything else (string, number, boolean, null): strict equality.
 */
export type Matcher = MatcherFn | RegExp | Uint8Array | string | number | boolean | null | object

interface Asymmetric {
  asymmetricMatch(other: unknown): boolean
  toString?(): string
}

export function isAsymmetric(m: unknown): m is Asymmetric {
  return (
    typeof m === 'object' && m !== null && typeof (m as Partial<Asymmetric>).asymmetricMatch === 'function'
  )
}

/** True for matchers compared structurally (these get a JSON diff in failure reports). */
export function isStructural(m: unknown): m is object {
  return (
    typeof m === 'object' &&
    m !== null &&
    !(m instanceof RegExp) &&
    !(m instanceof Uint8Array) &&
    !isAsymmetric(m)
  )
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/** Deep partial match of `actual` against `matcher` (see {@link Matcher}). */
export function matchValue(matcher: unknown, actual: unknown, message?: WsMessage): boolean {
  if (typeof matcher === 'function') {
    try {
      return Boolean((matcher as MatcherFn)(actual, message as WsMessage))
    } catch {
      return false
    }
  }
  if (matcher instanceof RegExp) {
    matcher.lastIndex = 0
    if (typeof actual === 'string') return matcher.test(actual)
    if (typeof actual === 'number' || typeof actual === 'boolean') return matcher.test(String(actual))
    return false
  }
  if (isAsymmetric(matcher)) return matcher.asymmetricMatch(actual)
  if (matcher instanceof Uint8Array) {
    return actual instanceof Uint8Array && Buffer.from(actual).equals(Buffer.from(matcher))
  }
  if (Array.isArray(matcher)) {
    if (!Array.isArray(actual) || actual.length !== matcher.length) return false
    return matcher.every((m, i) => matchValue(m, actual[i]))
  }
  if (isPlainObject(matcher)) {
    if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) return false
    const obj = actual as Record<string, unknown>
    for (const key of Object.keys(matcher)) {
      const m = matcher[key]
      if (m === undefined) {
        if (obj[key] !== undefined) return false
        continue
      }
      if (!(key in obj)) return false
      if (!matchValue(m, obj[key])) return false
    }
    return true
  }
  return Object.is(matcher, actual)
}

/** A short description of a matcher for error messages. */
export function describeMatcher(m: unknown): string {
  if (m === undefined) return 'any message'
  if (typeof m === 'function') return m.name ? `predicate ${m.name}()` : 'a predicate'
  if (m instanceof RegExp) return String(m)
  if (isAsymmetric(m)) return typeof m.toString === 'function' ? m.toString() : 'an asymmetric matcher'
  if (m instanceof Uint8Array) return `bytes <${Buffer.from(m).toString('hex')}>`
  return stringifyForReport(m)
}

/** JSON-ish rendering that shows RegExps, functions and asymmetric matchers readably. */
export function stringifyForReport(v: unknown, max = 300): string {
  let out: string
  try {
    out =
      JSON.stringify(v, (_k, val: unknown) => {
        if (val instanceof RegExp) return `«${String(val)}»`
        if (typeof val === 'function') return `«${val.name || 'predicate'}()»`
        if (typeof val === 'bigint') return `${val}n`
        if (val === undefined) return '«undefined»'
        if (isAsymmetric(val))
          return `«${typeof val.toString === 'function' ? val.toString() : 'asymmetric'}»`
        return val
      }) ?? String(v)
  } catch {
    out = String(v)
  }
  return out.length > max ? `${out.slice(0, max)}…` : out
}
