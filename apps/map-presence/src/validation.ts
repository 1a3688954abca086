import { HttpError } from './http-error.js'

/**
 * Request-shape validation only: types and presence. Value ranges (lat/lng, name lengths, id format)
 * are enforced by the database constraints, which the API maps to 422 — one source of truth.
 */

export interface Position {
  lat: number
  lng: number
}

export interface CreateMapInput {
  id: string
  name: string
}

export interface CreateSessionInput extends Position {
  userId: string
  displayName: string
  mapId: string
}

export interface CreatePoiInput extends Position {
  name: string
  createdBy: string
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value)
}

function badRequest(message: string): HttpError {
  return new HttpError(400, 'invalid_request', message)
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest('the request body must be a JSON object')
  }
  return body as Record<string, unknown>
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field]
  if (typeof value !== 'string') throw badRequest(`${field} must be a string`)
  return value
}

function requireNumber(body: Record<string, unknown>, field: string): number {
  const value = body[field]
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw badRequest(`${field} must be a finite number`)
  return value
}

function requireUuid(body: Record<string, unknown>, field: string): string {
  const value = body[field]
  if (!isUuid(value)) throw badRequest(`${field} must be a UUID`)
  return value.toLowerCase()
}

export function parsePosition(body: unknown): Position {
  const object = asObject(body)
  return { lat: requireNumber(object, 'lat'), lng: requireNumber(object, 'lng') }
}

export function parseCreateMap(body: unknown): CreateMapInput {
  const object = asObject(body)
  return { id: requireString(object, 'id'), name: requireString(object, 'name') }
}

export function parseCreateSession(body: unknown): CreateSessionInput {
  const object = asObject(body)
  const userId = requireString(object, 'userId')
  const displayName = object.displayName === undefined ? userId : requireString(object, 'displayName')
  return { userId, displayName, mapId: requireString(object, 'mapId'), ...parsePosition(object) }
}

export function parseCreatePoi(body: unknown): CreatePoiInput {
  const object = asObject(body)
  return {
    name: requireString(object, 'name'),
    createdBy: requireUuid(object, 'createdBy'),
    ...parsePosition(object),
  }
}

export function parseJoinPoi(body: unknown): { sessionId: string } {
  return { sessionId: requireUuid(asObject(body), 'sessionId') }
}
