// Pulls the TypeScript examples out of a Markdown file: every ```ts / ```typescript block, except those
// whose info string says `nocheck` (```ts nocheck). A block that holds several files, each introduced by a
// comment line naming it (`// vitest.global-setup.ts — …`), is split into one source per file.

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/
const FILE_COMMENT = /^\/\/\s*(?:file:\s*)?([\w./-]+\.(?:m?ts|tsx))\b/

/**
 * @param {string} markdown
 * @returns {{ line: number, code: string, skipped: boolean }[]} blocks; `line` is the 1-based line of the
 *   block's first code line
 */
export function codeBlocks(markdown) {
  const lines = markdown.split('\n')
  const blocks = []
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i])
    if (!open) continue
    const [, indent, fence, lang, rest] = open
    let end = i + 1
    while (end < lines.length && !lines[end].trimStart().startsWith(fence)) end++
    if (['ts', 'typescript'].includes(lang.toLowerCase())) {
      const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      blocks.push({ line: i + 2, code: body.join('\n'), skipped: /\bnocheck\b/.test(rest) })
    }
    i = end
  }
  return blocks
}

/**
 * Splits a block into files at comment lines that name a file (`// orders.test.ts`); code before the first
 * such line (or a block without any) is one file of its own.
 * @param {string} code
 * @returns {{ name: string | undefined, offset: number, code: string }[]} `offset`: the part's first line
 *   within the block (0-based)
 */
export function splitFiles(code) {
  const lines = code.split('\n')
  const parts = []
  let current = { name: undefined, offset: 0, lines: [] }
  lines.forEach((line, i) => {
    const named = FILE_COMMENT.exec(line)
    if (named && current.lines.some((l) => l.trim() && !l.trim().startsWith('//'))) {
      parts.push(current)
      current = { name: named[1], offset: i, lines: [] }
    } else if (named && current.name === undefined) {
      current.name = named[1]
    }
    current.lines.push(line)
  })
  parts.push(current)
  const hasCode = (p) => p.lines.some((l) => l.trim() && !l.trim().startsWith('//'))
  return parts.filter(hasCode).map((p) => ({ name: p.name, offset: p.offset, code: p.lines.join('\n') }))
}
