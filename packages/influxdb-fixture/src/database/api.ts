import { InvalidOptionsError } from '@infra/fixture-core'
import { errorText, InfluxDBError } from '../errors.js'
import type { HttpClient } from './http.js'
import { checkResults, type InfluxRow, type InfluxStatementResult, toRows } from './results.js'

/** Timestamp precision of written points. */
export type Precision = 'ns' | 'u' | 'ms' | 's' | 'm' | 'h'
const PRECISIONS: readonly string[] = ['ns', 'u', 'ms', 's', 'm', 'h']

export interface WriteOptions {
  /** Database (a test database's own by default). */
  db?: string
  /** Retention policy (default: the database's default policy). */
  rp?: string
  /** Precision of the timestamps in `lines`. Default `ns`. */
  precision?: Precision
}

export interface QueryOptions {
  /** Database the query runs in (`FROM m` then means `FROM db..m`). */
  db?: string
  /** Retention policy for unqualified measurements. */
  rp?: string
}

const TIMEOUT_MS = 30_000

/** Line protocol lines as one body: an array is joined with newlines. */
export function linesBody(lines: string | readonly string[]): string {
  return typeof lines === 'string' ? lines : lines.join('\n')
}

/** `POST /write`: line protocol; a rejected write throws {@link InfluxDBError} with the server's text. */
export async function writeLines(
  http: HttpClient,
  lines: string | readonly string[],
  options: WriteOptions,
): Promise<void> {
  if (!options.db) throw new InvalidOptionsError('db', 'write() needs a database: write(lines, { db })')
  if (options.precision !== undefined && !PRECISIONS.includes(options.precision)) {
    throw new InvalidOptionsError(
      'precision',
      `expected one of ${PRECISIONS.join(', ')}, got ${JSON.stringify(options.precision)}`,
    )
  }
  const body = linesBody(lines)
  const res = await http.request({
    method: 'POST',
    path: '/write',
    params: { db: options.db, rp: options.rp, precision: options.precision ?? 'ns' },
    body,
    timeoutMs: TIMEOUT_MS,
  })
  if (res.status !== 204) {
    throw new InfluxDBError('write', res.status, errorText(res.body), body.split('\n', 1)[0] ?? '')
  }
}

/** `POST /query`: the raw per-statement results; any statement error throws {@link InfluxDBError}. */
export async function queryResults(
  http: HttpClient,
  q: string,
  options: QueryOptions,
): Promise<InfluxStatementResult[]> {
  const res = await http.request({
    method: 'POST',
    path: '/query',
    params: { db: options.db, rp: options.rp },
    body: new URLSearchParams({ q }).toString(),
    contentType: 'application/x-www-form-urlencoded',
    timeoutMs: TIMEOUT_MS,
  })
  if (!res.headers['content-type']?.includes('json')) {
    throw new InfluxDBError('query', res.status, errorText(res.body), q)
  }
  return checkResults(q, res.status, res.body)
}

/** `POST /query` as rows: every series of every statement, `time` as exact `bigint` nanoseconds. */
export async function queryRows<Row extends InfluxRow = InfluxRow>(
  http: HttpClient,
  q: string,
  options: QueryOptions,
): Promise<Row[]> {
  return toRows(await queryResults(http, q, options)) as Row[]
}

/** An InfluxQL identifier in double quotes. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}
