import { ClickHouseError } from '@clickhouse/client'
import { FixtureError } from '@infra/fixture-core'

/** What the server said about a failed query, parsed from its error text (any version's format). */
export interface ServerErrorText {
  /** ClickHouse error code, e.g. 62 (SYNTAX_ERROR), 60 (UNKNOWN_TABLE). */
  code: number | undefined
  /** The symbolic name where the server gives it (22+: `SYNTAX_ERROR`). */
  name: string | undefined
  /** The message without the `Code: …` frame. */
  message: string
}

// 18.16: "Code: 62, e.displayText() = DB::Exception: Syntax error: …, e.what() = DB::Exception"
const OLD = /^Code: (\d+), e\.displayText\(\) = (?:[\w:]+): ([\s\S]*?)(?:, e\.what\(\) = [\w:]+)?\s*$/
// 21+: "Code: 62. DB::Exception: Syntax error: …. (SYNTAX_ERROR) (version 23.8.1.1)"
const NEW = /^Code: (\d+)\. (?:[\w:]+): ([\s\S]*?)(?: \(([A-Z_]+)\))?(?: \(version [^)]*\))?\s*$/

export function parseServerError(text: string): ServerErrorText {
  const trimmed = text.trim()
  const old = OLD.exec(trimmed)
  if (old) return { code: Number(old[1]), name: undefined, message: old[2]!.trim() }
  const m = NEW.exec(trimmed)
  if (m) return { code: Number(m[1]), name: m[3], message: m[2]!.trim() }
  return { code: undefined, name: undefined, message: trimmed }
}

/** A query the server rejected: its error code and text, and the query. */
export class ClickHouseQueryError extends FixtureError {
  /** ClickHouse's numeric error code (62 syntax error, 60 unknown table, 81 unknown database …). */
  readonly serverCode: number | undefined
  /** ClickHouse's symbolic error name where the server sends it (22+). */
  readonly serverName: string | undefined
  /** The server's error text. */
  readonly serverMessage: string
  readonly query: string

  /** `server`: the server's error text, or the fields a client already parsed from it. */
  constructor(query: string, server: string | ServerErrorText, options?: { cause?: unknown }) {
    const parsed = typeof server === 'string' ? parseServerError(server) : server
    const shown = query.length > 200 ? `${query.slice(0, 200)}…` : query
    super(
      'CLICKHOUSE_QUERY',
      `ClickHouse rejected the query${parsed.code !== undefined ? ` (code ${parsed.code})` : ''}: ` +
        `${parsed.message}\n  query: ${shown}`,
      options,
    )
    this.serverCode = parsed.code
    this.serverName = parsed.name
    this.serverMessage = parsed.message
    this.query = query
  }
}

/** A migration that failed: which file (or function) and statement, with the server's error. */
export class ClickHouseMigrationError extends FixtureError {
  readonly source: string
  readonly statement: number | undefined
  constructor(source: string, statement: number | undefined, cause: unknown) {
    const where = statement !== undefined ? `${source}, statement ${statement + 1}` : source
    super('CLICKHOUSE_MIGRATION', `Migration ${where} failed: ${(cause as Error)?.message ?? cause}`, {
      cause,
    })
    this.source = source
    this.statement = statement
  }
}

/** A thrown client error as a {@link ClickHouseQueryError} when the server answered with an error. */
export function toQueryError(err: unknown, query: string): unknown {
  if (!(err instanceof Error) || err instanceof FixtureError) return err
  // @clickhouse/client: a ClickHouseError (current servers' format) or a plain Error carrying the server's
  // text (the client does not recognise 18.16's format)
  if (err instanceof ClickHouseError) {
    const code = Number(err.code)
    const parsed = {
      code: Number.isInteger(code) ? code : undefined,
      name: err.type,
      message: err.message.trim(),
    }
    return new ClickHouseQueryError(query, parsed, { cause: err })
  }
  if (/^Code: \d+[.,]/.test(err.message)) return new ClickHouseQueryError(query, err.message, { cause: err })
  return err
}
