import pg from 'pg'

/**
 * For the security tests: connects with `config` (a URL or a client config; 5 s to connect), runs
 * `sql` and returns its first row, or the error the connection or the query ended with.
 */
// biome-ignore lint/suspicious/noExplicitAny: a row's shape is the test's to check
export async function tryQuery(config: pg.ClientConfig | string, sql: string): Promise<any> {
  const c = new pg.Client({
    connectionTimeoutMillis: 5_000,
    ...(typeof config === 'string' ? { connectionString: config } : config),
  })
  c.on('error', () => {})
  try {
    await c.connect()
    return (await c.query(sql)).rows[0]
  } catch (err) {
    return err as Error
  } finally {
    await c.end().catch(() => {})
  }
}
