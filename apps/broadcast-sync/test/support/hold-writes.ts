import type pg from 'pg'

/**
 * Holds every write to `orders` (a transaction with `LOCK TABLE … IN EXCLUSIVE MODE`; reads still pass)
 * until the returned function is called: the API's INSERT waits, so a test can look at the optimistic
 * state before the server has the order. The release is idempotent; call it in `finally`.
 */
export async function holdOrderWrites(pool: pg.Pool): Promise<() => Promise<void>> {
  const client = await pool.connect()
  await client.query('BEGIN')
  await client.query('LOCK TABLE orders IN EXCLUSIVE MODE')
  let released: Promise<void> | undefined
  return () => {
    released ??= client.query('COMMIT').then(
      () => client.release(),
      (error: Error) => client.release(error),
    )
    return released
  }
}

export async function orderCount(pool: pg.Pool): Promise<number> {
  return (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')).rows[0]!.n
}
