/** The WebSocket protocol, both directions. Every frame is a JSON object with a `type`. */

export interface AvatarMovement {
  sessionId: string
  userId: string
  mapId: string
  lat: number
  lng: number
  /** Per-session move sequence assigned by the database: 1, 2, 3 … in the order moves were applied. */
  seq: number
}

export interface PeerPresence {
  sessionId: string
  userId: string
  lat: number
  lng: number
  seq: number
}

export type ServerMessage =
  | { type: 'welcome'; data: { sessionId: string; mapId: string; peers: PeerPresence[] } }
  | { type: 'avatar_movement'; data: AvatarMovement }
  | { type: 'presence_joined'; data: { sessionId: string; userId: string } }
  | { type: 'presence_left'; data: { sessionId: string; userId: string } }
  | { type: 'poi_joined'; data: { poiId: string; sessionId: string } }
  | { type: 'pong'; data: { id?: unknown } }
  | { type: 'error'; data: { code: string; message: string } }

export type ClientMessage =
  | { type: 'avatar_movement'; data: { lat: number; lng: number } }
  | { type: 'ping'; data: { id?: unknown } }

/** Parses one client frame; returns an error description instead of throwing. */
export function parseClientMessage(raw: string): ClientMessage | { error: string } {
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return { error: 'frames must be JSON' }
  }
  if (typeof value !== 'object' || value === null) return { error: 'frames must be JSON objects' }
  const { type, data } = value as { type?: unknown; data?: unknown }
  if (type === 'ping') {
    return { type: 'ping', data: { id: (data as { id?: unknown } | undefined)?.id } }
  }
  if (type === 'avatar_movement') {
    const { lat, lng } = (data ?? {}) as { lat?: unknown; lng?: unknown }
    if (
      typeof lat !== 'number' ||
      typeof lng !== 'number' ||
      !Number.isFinite(lat) ||
      !Number.isFinite(lng)
    ) {
      return { error: 'avatar_movement needs numeric data.lat and data.lng' }
    }
    return { type: 'avatar_movement', data: { lat, lng } }
  }
  return { error: `unknown message type ${JSON.stringify(type)}` }
}
