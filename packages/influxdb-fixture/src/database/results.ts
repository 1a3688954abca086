import { InfluxDBError } from '../errors.js'

/** One series of an InfluxQL result, as the v1 HTTP API returns it. */
export interface InfluxSeries {
  name?: string
  tags?: Record<string, string>
  columns: string[]
  values?: unknown[][]
  partial?: boolean
}

/** One statement's result. */
export interface InfluxStatementResult {
  statement_id: number
  series?: InfluxSeries[]
  error?: string
  messages?: { level: string; text: string }[]
  partial?: boolean
}

/**
 * A row: the series' tags and name, then its columns. `time` is exact nanoseconds since the epoch as a
 * `bigint` (the JSON API's numbers could not hold them), `measurement` the series name.
 */
export type InfluxRow = Record<string, unknown> & { time?: bigint; measurement?: string }

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/

/** `2023-11-14T22:13:20.12345679Z` (the server's RFC3339Nano, trailing zeros cut) → nanoseconds, exactly. */
export function rfc3339ToNanos(text: string): bigint {
  const m = RFC3339.exec(text)
  if (!m) throw new Error(`not an RFC3339 timestamp: ${JSON.stringify(text)}`)
  const seconds = Date.parse(`${m[1]}${m[3]}`)
  if (Number.isNaN(seconds)) throw new Error(`not an RFC3339 timestamp: ${JSON.stringify(text)}`)
  return BigInt(seconds) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'))
}

/** nanoseconds → RFC3339 with all nine fraction digits. */
export function nanosToRfc3339(ns: bigint): string {
  const second = 1_000_000_000n
  const seconds = ns >= 0n ? ns / second : -((-ns + second - 1n) / second) // floor
  const fraction = ns - seconds * second
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19)
  return `${whole}.${fraction.toString().padStart(9, '0')}Z`
}

/** Throws the first statement error as an {@link InfluxDBError}; returns the results. */
export function checkResults(query: string, status: number, body: string): InfluxStatementResult[] {
  const parsed = JSON.parse(body) as { results?: InfluxStatementResult[]; error?: string }
  if (parsed.error) throw new InfluxDBError('query', status, parsed.error, query)
  const results = parsed.results ?? []
  const failed = results.find((r) => r.error)
  if (failed) throw new InfluxDBError('query', status, failed.error!, query)
  return results
}

/** The rows of every series of every statement, `time` as exact `bigint` nanoseconds. */
export function toRows(results: readonly InfluxStatementResult[]): InfluxRow[] {
  const rows: InfluxRow[] = []
  for (const result of results) {
    for (const series of result.series ?? []) {
      for (const values of series.values ?? []) {
        const row: InfluxRow = {}
        if (series.name !== undefined) row.measurement = series.name
        Object.assign(row, series.tags)
        series.columns.forEach((column, i) => {
          const v = values[i]
          row[column] = column === 'time' && typeof v === 'string' ? rfc3339ToNanos(v) : v
        })
        rows.push(row)
      }
    }
  }
  return rows
}
