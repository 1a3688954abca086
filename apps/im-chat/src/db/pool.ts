import mysql from 'mysql2/promise'

/** The seed's pool: 25 max open, 5 idle, connections recycled, every wait bounded. */
export const POOL_SETTINGS = {
  connectionLimit: 25,
  maxIdle: 5,
  idleTimeout: 60_000,
  connectTimeout: 5_000,
  queueLimit: 0,
  enableKeepAlive: true,
} as const

/** Per-query timeout (ms) unless a call passes its own. */
export const QUERY_TIMEOUT_MS = 5_000

/** Server-side statement limit (s): the server itself cuts a runaway query and the connection stays usable. */
export const STATEMENT_TIMEOUT_S = 10

export function createMessagePool(
  url: string,
  overrides: Partial<mysql.PoolOptions> = {},
  statementTimeoutS = STATEMENT_TIMEOUT_S,
): mysql.Pool {
  const pool = mysql.createPool({ uri: url, ...POOL_SETTINGS, ...overrides })
  // MariaDB: max_statement_time; (MySQL 8 would use max_execution_time, SELECT only)
  pool.pool.on('connection', (connection) => {
    connection.query(`SET SESSION max_statement_time = ${Number(statementTimeoutS)}`)
  })
  return pool
}

/** What the pool holds right now (mysql2 keeps these on its inner callback pool). */
export function poolStats(pool: mysql.Pool): { open: number; free: number; queued: number } {
  const inner = (pool as unknown as { pool: PoolInternals }).pool
  return {
    open: inner._allConnections.length,
    free: inner._freeConnections.length,
    queued: inner._connectionQueue.length,
  }
}

interface PoolInternals {
  _allConnections: { length: number }
  _freeConnections: { length: number }
  _connectionQueue: { length: number }
}
