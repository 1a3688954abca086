import type { MapsRepository } from './db/maps-repository.js'
import type { PoisRepository } from './db/pois-repository.js'
import type { MapRecord, PoiRecord, SessionRecord } from './db/rows.js'
import type { SessionsRepository } from './db/sessions-repository.js'
import { HttpError, notFound } from './http-error.js'
import { KeyedQueue } from './keyed-queue.js'
import type { PresenceSnapshot, PresenceStatus, PresenceStore } from './presence/presence-store.js'
import type { MapRooms } from './realtime/map-rooms.js'
import type { PeerPresence } from './realtime/messages.js'
import type { CreateMapInput, CreatePoiInput, CreateSessionInput, Position } from './validation.js'

export interface ServiceDeps {
  maps: MapsRepository
  sessions: SessionsRepository
  pois: PoisRepository
  presence: PresenceStore
  rooms: MapRooms
}

/** `presence` in a response: whether Redis took this request's presence update. */
export type PresenceOutcome = PresenceStatus

const outcome = (ok: boolean): PresenceOutcome => (ok ? 'ok' : 'degraded')

const presenceEntry = (session: SessionRecord) => ({
  sessionId: session.id,
  userId: session.userId,
  mapId: session.mapId,
  lat: session.lat,
  lng: session.lng,
  seq: session.moveSeq,
})

/**
 * The use cases of seed 000's complete flow. Postgres is the source of truth and every write goes there
 * first (in a transaction); Redis presence and the WebSocket broadcast follow. When Redis is down the
 * request still succeeds and says `presence: "degraded"`; when it returns, `resync()` rebuilds it.
 */
export class MapPresenceService {
  private readonly moves = new KeyedQueue()

  constructor(private readonly deps: ServiceDeps) {}

  createMap(input: CreateMapInput): Promise<MapRecord> {
    return this.deps.maps.create(input)
  }

  async createSession(
    input: CreateSessionInput,
  ): Promise<{ session: SessionRecord; presence: PresenceOutcome }> {
    const session = await this.deps.sessions.create(input)
    const ok = await this.deps.presence.markActive(presenceEntry(session))
    return { session, presence: outcome(ok) }
  }

  async getSession(id: string): Promise<{
    session: SessionRecord
    presence: PresenceSnapshot | null
    presenceStatus: PresenceStatus
  }> {
    const session = await this.deps.sessions.find(id)
    if (!session) throw notFound('session', id)
    const snapshot = await this.deps.presence.snapshot(id)
    return { session, presence: snapshot ?? null, presenceStatus: this.deps.presence.status }
  }

  /**
   * Applies a move: database (sequence bumped), Redis presence, then a broadcast to the map. Moves of one
   * session run one at a time in arrival order, so clients receive them in the order they were sent.
   */
  move(
    sessionId: string,
    position: Position,
  ): Promise<{ session: SessionRecord; presence: PresenceOutcome }> {
    return this.moves.run(sessionId, async () => {
      const session = await this.deps.sessions.move(sessionId, position)
      if (!session) throw await this.missingOrEnded(sessionId)
      const entry = presenceEntry(session)
      const ok = await this.deps.presence.markActive(entry)
      this.deps.rooms.broadcast(session.mapId, { type: 'avatar_movement', data: entry })
      return { session, presence: outcome(ok) }
    })
  }

  /** Refreshes the session's presence TTL (e.g. on WebSocket connect) without moving it. */
  async touch(session: SessionRecord): Promise<PresenceOutcome> {
    return outcome(await this.deps.presence.markActive(presenceEntry(session)))
  }

  async endSession(id: string): Promise<{ session: SessionRecord; presence: PresenceOutcome }> {
    const session = await this.deps.sessions.end(id)
    if (!session) throw await this.missingOrEnded(id)
    const ok = await this.deps.presence.leave(id, await this.deps.pois.joinedBy(id))
    for (const member of this.deps.rooms.sessionMembers(session.mapId, id)) {
      member.socket.close(4000, 'session ended')
    }
    return { session, presence: outcome(ok) }
  }

  async createPoi(
    mapId: string,
    input: CreatePoiInput,
  ): Promise<{ poi: PoiRecord; participants: string[]; presence: PresenceOutcome }> {
    const poi = await this.deps.pois.create(mapId, input)
    const ok = await this.deps.presence.joinPoi(poi.id, input.createdBy)
    return { poi, participants: [input.createdBy], presence: outcome(ok) }
  }

  listPois(mapId: string): Promise<PoiRecord[]> {
    return this.deps.pois.onMap(mapId)
  }

  async joinPoi(
    poiId: string,
    sessionId: string,
  ): Promise<{ poi: PoiRecord; joined: boolean; participants: string[]; presence: PresenceOutcome }> {
    const { poi, joined } = await this.deps.pois.join(poiId, sessionId)
    const ok = await this.deps.presence.joinPoi(poiId, sessionId)
    if (joined) this.deps.rooms.broadcast(poi.mapId, { type: 'poi_joined', data: { poiId, sessionId } })
    const { participants } = await this.participants(poiId)
    return { poi, joined, participants, presence: outcome(ok) }
  }

  /** Participants from Redis; from Postgres (`source: "database"`) while Redis is degraded. */
  async participants(poiId: string): Promise<{ participants: string[]; source: 'redis' | 'database' }> {
    const fromRedis = await this.deps.presence.participants(poiId)
    // a POI always has its creator: an empty set means an unknown POI (or a session that ended)
    if (fromRedis && fromRedis.length > 0) return { participants: fromRedis, source: 'redis' }
    if (!(await this.deps.pois.find(poiId))) throw notFound('POI', poiId)
    if (fromRedis) return { participants: fromRedis, source: 'redis' }
    return { participants: await this.deps.pois.participants(poiId), source: 'database' }
  }

  /** Positions of the active sessions on a map (from Postgres, the source of truth). */
  async peers(mapId: string): Promise<PeerPresence[]> {
    return (await this.deps.sessions.activeOnMap(mapId)).map((session) => ({
      sessionId: session.id,
      userId: session.userId,
      lat: session.lat,
      lng: session.lng,
      seq: session.moveSeq,
    }))
  }

  /** Rewrites Redis from Postgres: active sessions (with the TTL they have left) and POI participants. */
  async resync(): Promise<boolean> {
    const sessions = await this.deps.sessions.recentlyActive(this.deps.presence.ttlSeconds)
    const participants = await this.deps.pois.allParticipants()
    return this.deps.presence.restore(
      sessions.map((session) => ({ ...presenceEntry(session), ttlSeconds: session.ttlLeftSeconds })),
      participants,
    )
  }

  /** Waits for in-flight moves (used on shutdown). */
  drain(): Promise<void> {
    return this.moves.drain()
  }

  private async missingOrEnded(id: string): Promise<HttpError> {
    const existing = await this.deps.sessions.find(id)
    return existing ? new HttpError(409, 'session_ended', `session ${id} has ended`) : notFound('session', id)
  }
}
