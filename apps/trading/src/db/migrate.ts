import type pg from 'pg'

// Unqualified names: the tables go into the first schema of the connection's search_path (a test's own
// `test_<id>` schema with @infra/pg-fixture's schema(), `public` otherwise).
const DDL = `
CREATE TABLE IF NOT EXISTS orders (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  idempotency_key text NOT NULL UNIQUE,
  fingerprint     text NOT NULL,
  symbol          text NOT NULL,
  side            text NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity        numeric(30, 8) NOT NULL CHECK (quantity > 0),
  price           numeric(30, 8) NOT NULL CHECK (price > 0),
  filled_quantity numeric(30, 8) NOT NULL,
  notional        numeric(30, 8) NOT NULL,
  fees            numeric(30, 8) NOT NULL,
  status          text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS executions (
  order_id    uuid NOT NULL REFERENCES orders (id),
  seq         int NOT NULL CHECK (seq > 0),
  quantity    numeric(30, 8) NOT NULL CHECK (quantity > 0),
  price       numeric(30, 8) NOT NULL,
  notional    numeric(30, 8) NOT NULL,
  fee         numeric(30, 8) NOT NULL,
  executed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, seq)
);`

/** Creates the tables unless they exist; instances starting together serialize on an advisory lock. */
export async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query("SELECT pg_advisory_xact_lock(hashtext('trading.migrate'))")
    await client.query(DDL)
    await client.query('COMMIT')
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {})
    throw err
  } finally {
    client.release()
  }
}
