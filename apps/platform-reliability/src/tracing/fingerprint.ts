import { createHash } from 'node:crypto'

/**
 * The part of an error message that identifies its kind: ids, numbers, quoted values and hex strings are
 * replaced by placeholders, so "order 42 failed" and "order 7 failed" read the same.
 */
export function normalizeMessage(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\b0x[0-9a-f]+\b|\b[0-9a-f]{16,}\b/gi, '<hex>')
    .replace(/(["'])(?:(?!\1).)*\1/g, '<str>')
    .replace(/\d+(\.\d+)?/g, '<n>')
}

/**
 * The function names of the first `depth` named stack frames (no file positions: they change between
 * builds; anonymous frames name only a position, so they are left out).
 */
export function topFrames(error: Error, depth = 3): string[] {
  return (error.stack ?? '')
    .split('\n')
    .slice(1)
    .map((line) => /^\s*at (?:async )?([^\s(]+) \(/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined)
    .slice(0, depth)
}

/**
 * A stable fingerprint that groups occurrences of "the same" error: its name, its normalized message and
 * its top frames, hashed (16 hex digits).
 */
export function fingerprint(error: Error): string {
  const parts = [error.name, normalizeMessage(error.message), ...topFrames(error)]
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16)
}
