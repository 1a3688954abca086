import type { Pool } from 'pg'
import { type MapRecord, toMap } from './rows.js'

export class MapsRepository {
  constructor(private readonly pool: Pool) {}

  async create(input: { id: string; name: string }): Promise<MapRecord> {
    const { rows } = await this.pool.query('INSERT INTO maps (id, name) VALUES ($1, $2) RETURNING *', [
      input.id,
      input.name,
    ])
    return toMap(rows[0]!)
  }

  async find(id: string): Promise<MapRecord | undefined> {
    const { rows } = await this.pool.query('SELECT * FROM maps WHERE id = $1', [id])
    return rows[0] ? toMap(rows[0]) : undefined
  }
}
