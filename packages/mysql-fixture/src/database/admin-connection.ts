import mysql from 'mysql2/promise'

/**
 * One lazily (re)connected admin connection (multi-statements on). After a crash or restart of the server
 * the next query reconnects. Queries run in order (mysql2 queues them on the connection).
 */
export class AdminConnection {
  private conn: mysql.Connection | undefined
  private connecting: Promise<mysql.Connection> | undefined
  private closed = false
  private readonly pending = new Set<(err: Error) => void>()

  constructor(
    readonly url: string,
    private readonly connectTimeoutMs = 10_000,
  ) {}

  /** The server's id of the current connection (to leave it out of process lists). */
  get threadId(): number | undefined {
    return this.conn?.threadId ?? undefined
  }

  async connection(): Promise<mysql.Connection> {
    if (this.closed) throw new Error('the admin connection is closed')
    if (this.conn) return this.conn
    this.connecting ??= (async () => {
      const conn = await mysql.createConnection({
        uri: this.url,
        multipleStatements: true,
        connectTimeout: this.connectTimeoutMs,
      })
      const forget = () => {
        if (this.conn === conn) this.conn = undefined
      }
      conn.on('error', forget)
      conn.on('end', forget)
      // never wait a year for a metadata lock (the server default)
      await conn.query('SET SESSION lock_wait_timeout = 30')
      this.conn = conn
      return conn
    })().finally(() => {
      this.connecting = undefined
    })
    return this.connecting
  }

  async query<T extends mysql.RowDataPacket[] | mysql.ResultSetHeader | mysql.ResultSetHeader[]>(
    sql: string,
    values?: unknown[],
  ): Promise<T> {
    const conn = await this.connection()
    let abandon: ((err: Error) => void) | undefined
    // a destroyed connection never settles its queries: reset() and close() reject them instead
    const abandoned = new Promise<never>((_, reject) => {
      abandon = reject
    })
    this.pending.add(abandon!)
    try {
      const [rows] = await Promise.race([conn.query<T>(sql, values), abandoned])
      return rows as T
    } catch (err) {
      // a broken connection is replaced on the next query; an SQL error keeps it
      if ((err as { fatal?: boolean }).fatal) this.reset()
      throw err
    } finally {
      this.pending.delete(abandon!)
    }
  }

  #abandonPending(why: string): void {
    for (const reject of this.pending) reject(Object.assign(new Error(why), { fatal: true }))
    this.pending.clear()
  }

  /** Forgets the current connection (after the server was killed or restarted). */
  reset(): void {
    this.#abandonPending('the admin connection was reset (server killed or restarted)')
    const c = this.conn
    this.conn = undefined
    c?.destroy()
  }

  async close(): Promise<void> {
    this.closed = true
    this.#abandonPending('the admin connection was closed')
    const c = this.conn
    this.conn = undefined
    if (c) await c.end().catch(() => c.destroy())
  }
}
