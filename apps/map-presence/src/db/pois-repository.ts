import type { Pool } from 'pg'
import { HttpError, notFound } from '../http-error.js'
import type { CreatePoiInput } from '../validation.js'
import { type PoiRecord, toPoi } from './rows.js'
import { withTransaction } from './transaction.js'

export class PoisRepository {
  constructor(private readonly pool: Pool) {}

  /** Creates the POI and records its creator as the first participant: both rows or neither. */
  create(mapId: string, input: CreatePoiInput): Promise<PoiRecord> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query(
        'INSERT INTO pois (map_id, name, lat, lng, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING *',
        [mapId, input.name, input.lat, input.lng, input.createdBy],
      )
      const poi = toPoi(rows[0]!)
      await client.query('INSERT INTO poi_participants (poi_id, session_id, map_id) VALUES ($1, $2, $3)', [
        poi.id,
        input.createdBy,
        mapId,
      ])
      return poi
    })
  }

  async find(id: string): Promise<PoiRecord | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM pois WHERE id = $1', [id])
    return rows[0] ? toPoi(rows[0]) : undefined
  }

  async onMap(mapId: string): Promise<PoiRecord[]> {
    const { rows } = await this.pool.query('SELECT * FROM pois WHERE map_id = $1 ORDER BY created_at, id', [
      mapId,
    ])
    return rows.map(toPoi)
  }

  /**
   * Adds the session to the POI (idempotent). The (session, map) foreign key rejects a session from another
   * map; an ended session is refused with 409.
   */
  join(poiId: string, sessionId: string): Promise<{ poi: PoiRecord; joined: boolean }> {
    return withTransaction(this.pool, async (client) => {
      const poiRows = await client.query('SELECT * FROM pois WHERE id = $1 FOR SHARE', [poiId])
      if (!poiRows.rows[0]) throw notFound('POI', poiId)
      const poi = toPoi(poiRows.rows[0])
      const session = await client.query('SELECT ended_at FROM sessions WHERE id = $1 FOR SHARE', [sessionId])
      if (!session.rows[0]) throw notFound('session', sessionId)
      if (session.rows[0].ended_at != null) {
        throw new HttpError(409, 'session_ended', `session ${sessionId} has ended`)
      }
      const inserted = await client.query(
        `INSERT INTO poi_participants (poi_id, session_id, map_id) VALUES ($1, $2, $3)
         ON CONFLICT (poi_id, session_id) DO NOTHING RETURNING poi_id`,
        [poiId, sessionId, poi.mapId],
      )
      return { poi, joined: inserted.rowCount === 1 }
    })
  }

  /** Active sessions that joined the POI, sorted. */
  async participants(poiId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ session_id: string }>(
      `SELECT pp.session_id FROM poi_participants pp JOIN sessions s ON s.id = pp.session_id
       WHERE pp.poi_id = $1 AND s.ended_at IS NULL ORDER BY pp.session_id`,
      [poiId],
    )
    return rows.map((row) => row.session_id)
  }

  /** POIs the session joined. */
  async joinedBy(sessionId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ poi_id: string }>(
      'SELECT poi_id FROM poi_participants WHERE session_id = $1',
      [sessionId],
    )
    return rows.map((row) => row.poi_id)
  }

  /** Every POI with its active participants (used to rebuild the Redis sets after Redis lost them). */
  async allParticipants(): Promise<Map<string, string[]>> {
    const { rows } = await this.pool.query<{ poi_id: string; session_ids: string[] }>(
      `SELECT pp.poi_id, array_agg(pp.session_id::text) AS session_ids
       FROM poi_participants pp JOIN sessions s ON s.id = pp.session_id
       WHERE s.ended_at IS NULL GROUP BY pp.poi_id`,
    )
    return new Map(rows.map((row) => [row.poi_id, row.session_ids]))
  }
}
