import { FixtureError } from '@infra/fixture-core'

/** A migration failed: names the file (or function) and the position of the error in it. */
export class MigrationError extends FixtureError {
  readonly file: string
  readonly line: number | undefined
  readonly column: number | undefined
  readonly pgCode: string | undefined
  constructor(opts: {
    file: string
    line?: number
    column?: number
    pgCode?: string
    message: string
    excerpt?: string
    cause?: unknown
  }) {
    const where = opts.line !== undefined ? ` at line ${opts.line}, column ${opts.column}` : ''
    const code = opts.pgCode ? ` [SQLSTATE ${opts.pgCode}]` : ''
    super(
      'MIGRATION_FAILED',
      `Migration ${opts.file} failed${where}: ${opts.message}${code}${opts.excerpt ? `\n${opts.excerpt}` : ''}\n` +
        'Nothing was cached; fix the migration and run again.',
      { cause: opts.cause },
    )
    this.file = opts.file
    this.line = opts.line
    this.column = opts.column
    this.pgCode = opts.pgCode
  }
}
