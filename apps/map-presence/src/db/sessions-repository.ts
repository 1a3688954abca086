import type { Pool, PoolClient } from 'pg'
import type { CreateSessionInput, Position } from '../validation.js'
import { type SessionRecord, toSession } from './rows.js'
import { withTransaction } from './transaction.js'

export class SessionsRepository {
  constructor(private readonly pool: Pool) {}

  /** Upserts the user and inserts the session in one transaction: a failing insert leaves no user row. */
  create(input: CreateSessionInput): Promise<SessionRecord> {
    return withTransaction(this.pool, async (client) => {
      await client.query(
        'INSERT INTO users (id, display_name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET display_name = EXCLUDED.display_name',
        [input.userId, input.displayName],
      )
      const { rows } = await client.query(
        'INSERT INTO sessions (user_id, map_id, avatar_lat, avatar_lng) VALUES ($1, $2, $3, $4) RETURNING *',
        [input.userId, input.mapId, input.lat, input.lng],
      )
      return toSession(rows[0]!)
    })
  }

  async find(id: string, client: Pool | PoolClient = this.pool): Promise<SessionRecord | undefined> {
    const { rows } = await client.query('SELECT * FROM sessions WHERE id = $1', [id])
    return rows[0] ? toSession(rows[0]) : undefined
  }

  /** Moves an active session's avatar and bumps its move sequence; undefined when missing or ended. */
  async move(id: string, position: Position): Promise<SessionRecord | undefined> {
    const { rows } = await this.pool.query(
      `UPDATE sessions SET avatar_lat = $2, avatar_lng = $3, move_seq = move_seq + 1, updated_at = now()
       WHERE id = $1 AND ended_at IS NULL RETURNING *`,
      [id, position.lat, position.lng],
    )
    return rows[0] ? toSession(rows[0]) : undefined
  }

  /** Ends an active session; undefined when missing or already ended. */
  async end(id: string): Promise<SessionRecord | undefined> {
    const { rows } = await this.pool.query(
      'UPDATE sessions SET ended_at = now(), updated_at = now() WHERE id = $1 AND ended_at IS NULL RETURNING *',
      [id],
    )
    return rows[0] ? toSession(rows[0]) : undefined
  }

  async activeOnMap(mapId: string): Promise<SessionRecord[]> {
    const { rows } = await this.pool.query(
      'SELECT * FROM sessions WHERE map_id = $1 AND ended_at IS NULL ORDER BY created_at, id',
      [mapId],
    )
    return rows.map(toSession)
  }

  /** Active sessions touched within `withinSeconds`, with the seconds left of their presence TTL. */
  async recentlyActive(withinSeconds: number): Promise<Array<SessionRecord & { ttlLeftSeconds: number }>> {
    const { rows } = await this.pool.query(
      `SELECT *, GREATEST(1, CEIL($1 - EXTRACT(EPOCH FROM now() - updated_at)))::int AS ttl_left
       FROM sessions WHERE ended_at IS NULL AND updated_at > now() - make_interval(secs => $1)`,
      [withinSeconds],
    )
    return rows.map((row) => ({ ...toSession(row), ttlLeftSeconds: Number(row.ttl_left) }))
  }
}
