import { isAsymmetric, matchValue, stringifyForReport } from './matcher.js'

/** One difference between a (partial) expected JSON value and a received one. */
export interface DiffLine {
  /** JSONPath-like location, e.g. `$.pos.x` or `$.items[2]`. */
  path: string
  expected: string
  /** The received value, or `undefined` when the key is missing. */
  received: string | undefined
}

function leaf(v: unknown): string {
  return stringifyForReport(v, 120)
}

/**
 * Where `actual` departs from the partial matcher `expected` (same rules as `matchValue`).
 * Empty when they match. Bounded to `limit` lines.
 */
export function diffPartial(expected: unknown, actual: unknown, path = '$', limit = 20): DiffLine[] {
  const out: DiffLine[] = []
  walk(expected, actual, path, out, limit)
  return out
}

function walk(expected: unknown, actual: unknown, path: string, out: DiffLine[], limit: number): void {
  if (out.length >= limit) return
  const structural =
    typeof expected === 'object' &&
    expected !== null &&
    !(expected instanceof RegExp) &&
    !(expected instanceof Uint8Array) &&
    !isAsymmetric(expected)
  if (!structural) {
    if (!matchValue(expected, actual)) out.push({ path, expected: leaf(expected), received: leaf(actual) })
    return
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) {
      out.push({ path, expected: `array(${expected.length})`, received: leaf(actual) })
      return
    }
    if (actual.length !== expected.length) {
      out.push({ path: `${path}.length`, expected: String(expected.length), received: String(actual.length) })
    }
    const n = Math.min(expected.length, actual.length)
    for (let i = 0; i < n; i++) walk(expected[i], actual[i], `${path}[${i}]`, out, limit)
    return
  }
  if (typeof actual !== 'object' || actual === null || Array.isArray(actual)) {
    out.push({ path, expected: 'object', received: leaf(actual) })
    return
  }
  const obj = actual as Record<string, unknown>
  for (const [key, value] of Object.entries(expected as Record<string, unknown>)) {
    const p = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`
    if (value !== undefined && !(key in obj)) {
      out.push({ path: p, expected: leaf(value), received: undefined })
      continue
    }
    walk(value, obj[key], p, out, limit)
    if (out.length >= limit) return
  }
}

/** Renders diff lines as `- expected` / `+ received` pairs, indented. */
export function formatDiff(lines: readonly DiffLine[], indent = '    '): string {
  return lines
    .map(
      (l) =>
        `${indent}${l.path}\n${indent}  - expected ${l.expected}\n${indent}  + received ${l.received ?? '(missing)'}`,
    )
    .join('\n')
}
