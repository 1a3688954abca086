import type { Pool, PoolClient } from 'pg'

/**
 * Runs `work` inside BEGIN … COMMIT on one pooled connection; any error rolls everything back, so a
 * request that fails half-way leaves nothing written.
 */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect()
  let broken = false
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    try {
      await client.query('ROLLBACK')
    } catch {
      broken = true // the connection itself failed: do not return it to the pool
    }
    throw error
  } finally {
    client.release(broken)
  }
}
