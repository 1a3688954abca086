export interface CodeBlock {
  /** 1-based line of the block's first code line in the Markdown file. */
  line: number
  code: string
  /** The info string says `nocheck`. */
  skipped: boolean
}
export function codeBlocks(markdown: string): CodeBlock[]
export function splitFiles(code: string): { name: string | undefined; offset: number; code: string }[]
