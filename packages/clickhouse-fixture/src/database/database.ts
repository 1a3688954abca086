import type { ClickHouseClient, ClickHouseClientConfigOptions, ClickHouseSettings } from '@clickhouse/client'
import { FixtureStateError } from '@infra/fixture-core'
import { ClientSet, createClickHouseClient, type Endpoint, formatUrl } from '../client/clients.js'
import { toQueryError } from '../errors.js'

/** What a database needs from its server handle. */
export interface DatabaseOwner {
  readonly endpoint: Endpoint
  /** Drops the database (called once, by `release()`). */
  dropDatabase(name: string): Promise<void>
}

/**
 * One test's own ClickHouse database: clients bound to it, thin query helpers that throw
 * `ClickHouseQueryError`, and `release()` (or `await using`) to drop it.
 */
export class ClickHouseDatabase implements AsyncDisposable {
  /** The database name (`infra_<run>_<n>`). */
  readonly name: string
  /** `http://default:<password>@127.0.0.1:<port>/<name>`: `createClient({ url })` connects to this database. */
  readonly url: string
  readonly #owner: DatabaseOwner
  readonly #clients = new ClientSet()
  #helper: ClickHouseClient | undefined
  #released: Promise<void> | undefined

  constructor(owner: DatabaseOwner, name: string) {
    this.#owner = owner
    this.name = name
    this.url = formatUrl(owner.endpoint, name)
  }

  /** A new `@clickhouse/client` whose default database is this one. Closed by `release()`. */
  client(options: ClickHouseClientConfigOptions = {}): ClickHouseClient {
    this.#assertOpen('client')
    return this.#clients.add(createClickHouseClient(this.#owner.endpoint, this.name, options))
  }

  #shared(): ClickHouseClient {
    this.#assertOpen('query')
    this.#helper ??= this.client()
    return this.#helper
  }

  /**
   * Closes the helper client behind `command`/`query`/`insert` (a new one opens on next use), so that its
   * idle keep-alive socket does not hold up a graceful server stop.
   */
  async closeHelper(): Promise<void> {
    const helper = this.#helper
    this.#helper = undefined
    await helper?.close().catch(() => {})
  }

  /** Runs a statement that returns no rows (DDL, `INSERT … SELECT`, `OPTIMIZE` …). */
  async command(sql: string, settings?: ClickHouseSettings): Promise<void> {
    try {
      await this.#shared().command({ query: sql, ...(settings ? { clickhouse_settings: settings } : {}) })
    } catch (err) {
      throw toQueryError(err, sql)
    }
  }

  /** Runs a query and returns its rows (`JSONEachRow`; 64-bit integers come back as strings). */
  async query<Row = Record<string, unknown>>(sql: string, settings?: ClickHouseSettings): Promise<Row[]> {
    try {
      const rs = await this.#shared().query({
        query: sql,
        format: 'JSONEachRow',
        ...(settings ? { clickhouse_settings: settings } : {}),
      })
      return await rs.json<Row>()
    } catch (err) {
      throw toQueryError(err, sql)
    }
  }

  /** Inserts rows into `table` as `JSONEachRow`. */
  async insert(table: string, rows: readonly Record<string, unknown>[]): Promise<void> {
    try {
      await this.#shared().insert({ table, values: rows as Record<string, unknown>[], format: 'JSONEachRow' })
    } catch (err) {
      throw toQueryError(err, `INSERT INTO ${table} FORMAT JSONEachRow`)
    }
  }

  /** Closes every client of this database (the server is going away). */
  async closeClients(): Promise<void> {
    this.#helper = undefined
    await this.#clients.closeAll()
  }

  /** Closes this database's clients and drops it. Idempotent. */
  release(): Promise<void> {
    this.#released ??= (async () => {
      await this.#clients.closeAll()
      await this.#owner.dropDatabase(this.name)
    })()
    return this.#released
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release()
  }

  #assertOpen(what: string): void {
    if (this.#released) throw new FixtureStateError(`clickhouse database ${this.name}`, what, 'stopped')
  }
}
