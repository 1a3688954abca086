/** 1-based line and column of a 1-based character `position` (as PostgreSQL reports it) in `text`. */
export function lineColumn(text: string, position: number): { line: number; column: number } {
  const chars = Array.from(text)
  const upTo = chars.slice(0, Math.max(0, Math.min(position - 1, chars.length)))
  let line = 1
  let column = 1
  for (const ch of upTo) {
    if (ch === '\n') {
      line++
      column = 1
    } else {
      column++
    }
  }
  return { line, column }
}

/** The source line at `line` with a caret under `column`, for error messages. */
export function excerptAt(text: string, line: number, column: number): string {
  const src = text.split('\n')[line - 1] ?? ''
  const prefix = `  ${line} | `
  return `${prefix}${src}\n${' '.repeat(prefix.length + column - 1)}^`
}
