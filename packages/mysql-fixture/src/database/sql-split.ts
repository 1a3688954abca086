/** One statement of a migration file, with the 1-based line it starts on. */
export interface SqlStatement {
  sql: string
  line: number
}

const DELIMITER_LINE = /^[ \t]*delimiter[ \t]+(\S+)[ \t]*$/i

/**
 * Splits a migration file into statements the way the `mariadb`/`mysql` client does: on `;` (or the
 * delimiter set by a `DELIMITER` line) outside strings, quoted identifiers and comments. Each statement
 * keeps the line it starts on, so an error can name the line in the file.
 */
export function splitSql(text: string): SqlStatement[] {
  const out: SqlStatement[] = []
  let delimiter = ';'
  let current = ''
  let startLine = 0
  let line = 1
  let i = 0
  const flush = () => {
    const sql = current.trim()
    if (sql && !isOnlyComments(sql)) out.push({ sql, line: startLine || line })
    current = ''
    startLine = 0
  }
  // a comment before a statement does not start it (executable `/*! … */` comments do)
  const take = (n: number, starts = true) => {
    const piece = text.slice(i, i + n)
    if (starts && !startLine && /\S/.test(piece)) startLine = line
    for (const ch of piece) if (ch === '\n') line++
    if (starts || startLine) current += piece
    i += n
  }
  while (i < text.length) {
    const atLineStart = i === 0 || text[i - 1] === '\n'
    if (atLineStart && current.trim() === '') {
      const end = text.indexOf('\n', i)
      const lineText = text.slice(i, end === -1 ? text.length : end)
      const m = DELIMITER_LINE.exec(lineText)
      if (m) {
        delimiter = m[1]!
        current = ''
        startLine = 0
        i = end === -1 ? text.length : end + 1
        line++
        continue
      }
    }
    const ch = text[i]!
    if (text.startsWith(delimiter, i)) {
      i += delimiter.length
      flush()
      continue
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      take(quotedLength(text, i, ch))
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2)
      take(end === -1 ? text.length - i : end + 2 - i, text[i + 2] === '!')
    } else if (ch === '#' || (text.startsWith('--', i) && /[\s]/.test(text[i + 2] ?? '\n'))) {
      const end = text.indexOf('\n', i)
      take(end === -1 ? text.length - i : end - i, false)
    } else {
      take(1)
    }
  }
  flush()
  return out
}

/** Length of the quoted token starting at `i` (backslash escapes and doubled quotes inside). */
function quotedLength(text: string, i: number, quote: string): number {
  let j = i + 1
  while (j < text.length) {
    const c = text[j]!
    if (c === '\\' && quote !== '`') {
      j += 2
      continue
    }
    if (c === quote) {
      if (text[j + 1] === quote) {
        j += 2
        continue
      }
      return j + 1 - i
    }
    j++
  }
  return text.length - i
}

function isOnlyComments(sql: string): boolean {
  return (
    sql
      .replace(/\/\*(?!!)[\s\S]*?\*\//g, '')
      .replace(/(^|\n)\s*(#|--\s)[^\n]*/g, '')
      .trim() === ''
  )
}
