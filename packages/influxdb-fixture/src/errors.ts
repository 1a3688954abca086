import { FixtureError } from '@infra/fixture-core'

/** A write or query the server rejected: its HTTP status and error text. */
export class InfluxDBError extends FixtureError {
  readonly operation: 'write' | 'query'
  /** HTTP status of the answer (400 for bad line protocol or InfluxQL, 404 for an unknown database …). */
  readonly status: number
  /** The server's error text, e.g. `error parsing query: found SELEC, expected SELECT …`. */
  readonly serverMessage: string
  /** The InfluxQL (queries) or the first line written (writes). */
  readonly statement: string

  constructor(operation: 'write' | 'query', status: number, serverMessage: string, statement: string) {
    const shown = statement.length > 200 ? `${statement.slice(0, 200)}…` : statement
    super(
      'INFLUXDB',
      `InfluxDB rejected the ${operation} (HTTP ${status}): ${serverMessage}\n  ${operation === 'query' ? 'query' : 'first line'}: ${shown}`,
    )
    this.operation = operation
    this.status = status
    this.serverMessage = serverMessage
    this.statement = statement
  }
}

/** The `error` of an InfluxDB error body (`{"error":"…"}`), or the body itself. */
export function errorText(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown }
    if (typeof parsed.error === 'string') return parsed.error
  } catch {
    // not JSON: a proxy or a very old server
  }
  return body.trim() || '(empty answer)'
}
