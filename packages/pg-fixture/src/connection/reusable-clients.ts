import pg from 'pg'

/**
 * Connections kept open between `transaction()`s: a new connection costs a backend fork (~5 ms);
 * a reused one is rolled back and reset with `DISCARD ALL` (session settings, temp tables,
 * prepared statements, advisory locks, LISTEN) before it is handed out again.
 */
export class ReusableClients {
  private readonly idle = new Map<string, pg.Client[]>()
  private readonly dead = new WeakSet<pg.Client>()
  private closed = false

  constructor(private readonly max = 4) {}

  async take(url: string): Promise<pg.Client> {
    const list = this.idle.get(url)
    while (list && list.length > 0) {
      const c = list.pop()!
      if (!this.dead.has(c)) return c
    }
    const client = new pg.Client({ connectionString: url })
    client.on('error', () => this.dead.add(client))
    client.on('end', () => this.dead.add(client))
    await client.connect()
    return client
  }

  /** Rolls back, resets and keeps `client` for the next `take(url)` (or closes it). */
  async give(url: string, client: pg.Client): Promise<void> {
    try {
      await client.query('ROLLBACK')
    } catch (err) {
      await client.end().catch(() => {})
      throw err
    }
    const list = this.idle.get(url) ?? []
    if (this.closed || this.dead.has(client) || list.length >= this.max) {
      await client.end().catch(() => {})
      return
    }
    try {
      await client.query('DISCARD ALL')
    } catch {
      await client.end().catch(() => {})
      return
    }
    for (const event of ['notification', 'notice', 'drain'] as const) client.removeAllListeners(event)
    list.push(client)
    this.idle.set(url, list)
  }

  /** Ends the idle connections (after a crash, restart or terminate); new ones are made on demand. */
  async reset(): Promise<void> {
    const all = [...this.idle.values()].flat()
    this.idle.clear()
    await Promise.all(all.map((c) => c.end().catch(() => {})))
  }

  /** Ends the idle connections and keeps none from now on. */
  async close(): Promise<void> {
    this.closed = true
    await this.reset()
  }
}
