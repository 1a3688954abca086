import { notFound } from '../http-error.js'
import type { MapPresenceService } from '../map-presence-service.js'
import type { PresenceStore } from '../presence/presence-store.js'
import {
  isUuid,
  parseCreateMap,
  parseCreatePoi,
  parseCreateSession,
  parseJoinPoi,
  parsePosition,
} from '../validation.js'
import { Router } from './router.js'

function uuidParam(value: string | undefined, what: string): string {
  if (!isUuid(value)) throw notFound(what, String(value))
  return value.toLowerCase()
}

/**
 * The HTTP API:
 *   GET  /health                       { status: "ok" | "degraded" | "unavailable", redis, database } (503 when
 *                                      the database is unreachable; "degraded" = Redis down, still serving)
 *   POST /maps                         { id, name }                               → 201 { map }
 *   POST /sessions                     { userId, displayName?, mapId, lat, lng }  → 201 { session, presence }
 *   GET  /sessions/:id                                                            → { session, presence, presenceStatus }
 *   POST /sessions/:id/move            { lat, lng }                               → { session, presence }
 *   DELETE /sessions/:id                                                          → { session, presence }
 *   POST /maps/:mapId/pois             { name, lat, lng, createdBy }              → 201 { poi, participants, presence }
 *   GET  /maps/:mapId/pois                                                        → { pois }
 *   POST /pois/:id/join                { sessionId }                              → { poi, joined, participants, presence }
 *   GET  /pois/:id/participants                                                   → { participants, source }
 */
export function createRoutes(
  service: MapPresenceService,
  presence: PresenceStore,
  databaseReachable: () => Promise<boolean>,
): Router {
  return new Router()
    .add('GET', '/health', async () => {
      const database = (await databaseReachable()) ? 'ok' : 'unavailable'
      const status = database === 'ok' ? presence.status : 'unavailable'
      return [database === 'ok' ? 200 : 503, { status, redis: presence.status, database }]
    })
    .add('POST', '/maps', async ({ body }) => [
      201,
      { map: await service.createMap(parseCreateMap(await body())) },
    ])
    .add('POST', '/sessions', async ({ body }) => [
      201,
      await service.createSession(parseCreateSession(await body())),
    ])
    .add('GET', '/sessions/:id', async ({ params }) => [
      200,
      await service.getSession(uuidParam(params.id, 'session')),
    ])
    .add('POST', '/sessions/:id/move', async ({ params, body }) => [
      200,
      await service.move(uuidParam(params.id, 'session'), parsePosition(await body())),
    ])
    .add('DELETE', '/sessions/:id', async ({ params }) => [
      200,
      await service.endSession(uuidParam(params.id, 'session')),
    ])
    .add('POST', '/maps/:mapId/pois', async ({ params, body }) => [
      201,
      await service.createPoi(params.mapId!, parseCreatePoi(await body())),
    ])
    .add('GET', '/maps/:mapId/pois', async ({ params }) => [
      200,
      { pois: await service.listPois(params.mapId!) },
    ])
    .add('POST', '/pois/:id/join', async ({ params, body }) => {
      const { sessionId } = parseJoinPoi(await body())
      return [200, await service.joinPoi(uuidParam(params.id, 'POI'), sessionId)]
    })
    .add('GET', '/pois/:id/participants', async ({ params }) => [
      200,
      await service.participants(uuidParam(params.id, 'POI')),
    ])
}
