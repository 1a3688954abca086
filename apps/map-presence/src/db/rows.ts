/** Shapes returned by the repositories (camelCase, JSON-ready). */

export interface MapRecord {
  id: string
  name: string
  createdAt: string
}

export interface SessionRecord {
  id: string
  userId: string
  mapId: string
  lat: number
  lng: number
  moveSeq: number
  createdAt: string
  updatedAt: string
  endedAt: string | null
}

export interface PoiRecord {
  id: string
  mapId: string
  name: string
  lat: number
  lng: number
  createdBy: string
  createdAt: string
}

const iso = (value: unknown): string => (value instanceof Date ? value.toISOString() : String(value))

export function toMap(row: Record<string, unknown>): MapRecord {
  return { id: String(row.id), name: String(row.name), createdAt: iso(row.created_at) }
}

export function toSession(row: Record<string, unknown>): SessionRecord {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    mapId: String(row.map_id),
    lat: Number(row.avatar_lat),
    lng: Number(row.avatar_lng),
    moveSeq: Number(row.move_seq),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    endedAt: row.ended_at == null ? null : iso(row.ended_at),
  }
}

export function toPoi(row: Record<string, unknown>): PoiRecord {
  return {
    id: String(row.id),
    mapId: String(row.map_id),
    name: String(row.name),
    lat: Number(row.lat),
    lng: Number(row.lng),
    createdBy: String(row.created_by),
    createdAt: iso(row.created_at),
  }
}
