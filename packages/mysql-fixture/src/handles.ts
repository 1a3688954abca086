/** A database of its own for one test, with the migrations applied. */
export interface TestDatabase extends AsyncDisposable {
  readonly name: string
  /** Connection URL of this database (`mysql://root:…@127.0.0.1:port/name`). */
  readonly url: string
  /**
   * Hands the database back: its connections are killed and it is dropped in the background
   * (`{ wait: true }` waits for the drop). Idempotent.
   */
  drop(opts?: { wait?: boolean }): Promise<void>
}

/** What workers need to use a server they did not start (vitest provide/inject). */
export interface MysqlConnectionInfo {
  provider: 'local' | 'external'
  /** Admin URL, with the per-run root password (local) or the external server's credentials. */
  url: string
  /** The template database every test database is a copy of. */
  template: string
}

/** One client connection of the server (`information_schema.PROCESSLIST`). */
export interface ProcessInfo {
  id: number
  user: string
  /** `127.0.0.1:54012` or `localhost`. */
  host: string
  /** The connection's current database, if any. */
  database: string | null
  /** `Sleep`, `Query`, … */
  command: string
  /** Seconds in the current state. */
  time: number
  state: string | null
  /** The running statement, if any. */
  info: string | null
}
