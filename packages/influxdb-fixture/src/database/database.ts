import { FixtureStateError } from '@infra/fixture-core'
import { type Precision, type QueryOptions, queryResults, queryRows, writeLines } from './api.js'
import type { HttpClient } from './http.js'
import type { InfluxRow, InfluxStatementResult } from './results.js'

/** What a database needs from its server handle. */
export interface DatabaseOwner {
  readonly http: HttpClient
  /** Drops the database (called once, by `release()`). */
  dropDatabase(name: string): Promise<void>
}

/**
 * One test's own InfluxDB database with its retention policy: `write()` line protocol and `query()`
 * InfluxQL against it; `release()` (or `await using`) drops it.
 */
export class InfluxDatabase implements AsyncDisposable {
  /** The database name (`infra_<run>_<n>`). */
  readonly name: string
  /** Its default retention policy (created with the database). */
  readonly retentionPolicy: string
  /** The server's URL (`http://127.0.0.1:<port>`); the v1 API takes the database as `?db=`. */
  readonly url: string
  readonly #owner: DatabaseOwner
  #released: Promise<void> | undefined

  constructor(owner: DatabaseOwner, name: string, retentionPolicy: string) {
    this.#owner = owner
    this.name = name
    this.retentionPolicy = retentionPolicy
    this.url = owner.http.origin
  }

  /**
   * Writes line protocol (`measurement,tag=v field=1 1700000000123456789`) into this database; timestamps in
   * nanoseconds unless `precision` says otherwise. A rejected write throws `InfluxDBError`.
   */
  async write(
    lines: string | readonly string[],
    options: { precision?: Precision; rp?: string } = {},
  ): Promise<void> {
    this.#assertOpen('write')
    await writeLines(this.#owner.http, lines, { ...options, db: this.name })
  }

  /** Runs InfluxQL in this database: the rows of every series, `time` as exact `bigint` nanoseconds. */
  async query<Row extends InfluxRow = InfluxRow>(
    q: string,
    options: Pick<QueryOptions, 'rp'> = {},
  ): Promise<Row[]> {
    this.#assertOpen('query')
    return queryRows<Row>(this.#owner.http, q, { ...options, db: this.name })
  }

  /** Runs InfluxQL in this database: the API's per-statement results as they come. */
  async queryRaw(q: string, options: Pick<QueryOptions, 'rp'> = {}): Promise<InfluxStatementResult[]> {
    this.#assertOpen('queryRaw')
    return queryResults(this.#owner.http, q, { ...options, db: this.name })
  }

  /** Drops the database. Idempotent. */
  release(): Promise<void> {
    this.#released ??= this.#owner.dropDatabase(this.name)
    return this.#released
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release()
  }

  #assertOpen(what: string): void {
    if (this.#released) throw new FixtureStateError(`influxdb database ${this.name}`, what, 'stopped')
  }
}
