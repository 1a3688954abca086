import { FixtureError } from '@infra/fixture-core'

/** A migration failed: names the file (or the function) and the line of the failing statement in it. */
export class MigrationError extends FixtureError {
  readonly file: string
  readonly line: number | undefined
  /** The server's error code, e.g. `ER_PARSE_ERROR`. */
  readonly sqlCode: string | undefined
  constructor(opts: {
    file: string
    line?: number
    sqlCode?: string
    message: string
    excerpt?: string
    cause?: unknown
  }) {
    const where = opts.line !== undefined ? ` at line ${opts.line}` : ''
    const code = opts.sqlCode ? ` [${opts.sqlCode}]` : ''
    super(
      'MIGRATION_FAILED',
      `Migration ${opts.file} failed${where}: ${opts.message}${code}${opts.excerpt ? `\n${opts.excerpt}` : ''}\n` +
        'Nothing was cached; fix the migration and run again.',
      { cause: opts.cause },
    )
    this.file = opts.file
    this.line = opts.line
    this.sqlCode = opts.sqlCode
  }
}
