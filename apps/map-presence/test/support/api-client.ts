import { expect } from 'vitest'
import type { MapRecord, PoiRecord, SessionRecord } from '../../src/index.js'

export interface ApiError {
  code: string
  message: string
  constraint?: string
}

// biome-ignore lint/suspicious/noExplicitAny: tests read bodies freely
export interface ApiResponse<T = any> {
  status: number
  /** The JSON body; `error` is only there on 4xx/5xx (typed as always present to keep assertions short). */
  body: T & { error: ApiError }
}

export type Presence = 'ok' | 'degraded'

/** A thin typed client for the app's HTTP API; never throws on 4xx/5xx (tests assert on status). */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  // biome-ignore lint/suspicious/noExplicitAny: tests read error bodies freely
  async request<T = any>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    })
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : undefined }
  }

  health() {
    return this.request<{
      status: Presence | 'unavailable'
      redis: Presence
      database: 'ok' | 'unavailable'
    }>('GET', '/health')
  }

  createMap(id: string, name = `Map ${id}`) {
    return this.request<{ map: MapRecord }>('POST', '/maps', { id, name })
  }

  createSession(input: { userId: string; mapId: string; lat: number; lng: number; displayName?: string }) {
    return this.request<{ session: SessionRecord; presence: Presence }>('POST', '/sessions', input)
  }

  getSession(id: string) {
    return this.request<{
      session: SessionRecord
      presence: {
        active: boolean
        ttlSeconds: number
        position: { lat: number; lng: number; seq: number } | null
      } | null
      presenceStatus: Presence
    }>('GET', `/sessions/${id}`)
  }

  move(sessionId: string, lat: number, lng: number) {
    return this.request<{ session: SessionRecord; presence: Presence }>(
      'POST',
      `/sessions/${sessionId}/move`,
      {
        lat,
        lng,
      },
    )
  }

  endSession(id: string) {
    return this.request<{ session: SessionRecord; presence: Presence }>('DELETE', `/sessions/${id}`)
  }

  createPoi(mapId: string, input: { name: string; lat: number; lng: number; createdBy: string }) {
    return this.request<{ poi: PoiRecord; participants: string[]; presence: Presence }>(
      'POST',
      `/maps/${mapId}/pois`,
      input,
    )
  }

  listPois(mapId: string) {
    return this.request<{ pois: PoiRecord[] }>('GET', `/maps/${mapId}/pois`)
  }

  joinPoi(poiId: string, sessionId: string) {
    return this.request<{ poi: PoiRecord; joined: boolean; participants: string[]; presence: Presence }>(
      'POST',
      `/pois/${poiId}/join`,
      { sessionId },
    )
  }

  participants(poiId: string) {
    return this.request<{ participants: string[]; source: 'redis' | 'database' }>(
      'GET',
      `/pois/${poiId}/participants`,
    )
  }

  /** Creates a map and asserts 201. */
  async map(id: string): Promise<MapRecord> {
    return expectStatus(await this.createMap(id), 201).map
  }

  /** Creates a session and asserts 201. */
  async session(userId: string, mapId: string, lat = 48.85, lng = 2.35): Promise<SessionRecord> {
    return expectStatus(await this.createSession({ userId, mapId, lat, lng }), 201).session
  }

  /** Creates a POI and asserts 201. */
  async poi(mapId: string, name: string, createdBy: string, lat = 48.86, lng = 2.34): Promise<PoiRecord> {
    return expectStatus(await this.createPoi(mapId, { name, lat, lng, createdBy }), 201).poi
  }
}

/** Returns the body when the status matches; otherwise throws with the whole response in the message. */
export function expectStatus<T>(response: ApiResponse<T>, status: number): T & { error: ApiError } {
  if (response.status !== status) {
    throw new Error(`expected HTTP ${status}, got ${response.status}: ${JSON.stringify(response.body)}`)
  }
  return response.body
}

/** Asserts a refusal: the status, and an error body containing `error` (e.g. the code and the constraint). */
export function expectRefused(response: ApiResponse, status: number, error: Partial<ApiError>): void {
  expect(response.status).toBe(status)
  expect(response.body.error).toMatchObject(error)
}
