import pg from 'pg'

/**
 * One lazily (re)connected admin client whose queries run one at a time. After a crash or restart
 * of the server the next query reconnects.
 */
export class AdminConnection {
  private client: pg.Client | undefined
  private connecting: Promise<pg.Client> | undefined
  private chain: Promise<unknown> = Promise.resolve()
  private closed = false

  /**
   * `onConnect` runs on every new connection before its first query (e.g. to take a session-level lock
   * again after a reconnect).
   */
  constructor(
    readonly url: string,
    private readonly onConnect?: (client: pg.Client) => Promise<void>,
    private readonly connectTimeoutMs = 10_000,
  ) {}

  private async connected(): Promise<pg.Client> {
    if (this.client) return this.client
    this.connecting ??= (async () => {
      const client = new pg.Client({
        connectionString: this.url,
        connectionTimeoutMillis: this.connectTimeoutMs,
      })
      const drop = () => {
        if (this.client === client) this.client = undefined
      }
      client.on('error', drop)
      client.on('end', drop)
      try {
        await client.connect()
        await this.onConnect?.(client)
      } catch (err) {
        client.end().catch(() => {})
        throw err
      }
      this.client = client
      return client
    })().finally(() => {
      this.connecting = undefined
    })
    return this.connecting
  }

  /** Runs `sql` after every query queued before it. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    return this.session((client) => client.query<R>(sql, values))
  }

  /**
   * Runs `fn` with the connection to itself (e.g. a transaction of several statements) after every query
   * queued before it; queries queued meanwhile wait for it.
   */
  session<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
    const run = async () => {
      if (this.closed) throw new Error('the admin connection is closed')
      const client = await this.connected()
      try {
        return await fn(client)
      } catch (err) {
        // a broken connection is replaced on the next query; a SQL error keeps it
        if (!(err as { code?: string }).code) this.reset()
        throw err
      }
    }
    const p = this.chain.then(run, run)
    this.chain = p.catch(() => {})
    return p
  }

  /** Forgets the current connection (after the server was killed or restarted). */
  reset(): void {
    const c = this.client
    this.client = undefined
    c?.end().catch(() => {})
  }

  async close(): Promise<void> {
    await this.chain
    this.closed = true
    const c = this.client
    this.client = undefined
    await c?.end().catch(() => {})
  }
}
