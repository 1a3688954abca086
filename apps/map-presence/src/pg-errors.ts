import { HttpError } from './http-error.js'

/** The fields of a node-postgres DatabaseError this module reads. */
interface PgErrorLike {
  code?: unknown
  constraint?: unknown
  detail?: unknown
  message?: unknown
}

/** Friendlier messages for the constraints a client can trip over. */
const constraintMessages: Record<string, string> = {
  sessions_one_active_per_user_map: 'the user already has an active session on this map',
  pois_name_unique_per_map: 'a POI with this name already exists on this map',
  maps_pkey: 'a map with this id already exists',
  sessions_map_id_fkey: 'the map does not exist',
  pois_map_id_fkey: 'the map does not exist',
  pois_created_by_session_on_map: 'the creating session does not exist on this map',
  poi_participants_session_on_map: 'the session is not on the POI’s map',
  sessions_avatar_lat_range: 'lat must be between -90 and 90',
  sessions_avatar_lng_range: 'lng must be between -180 and 180',
  pois_lat_range: 'lat must be between -90 and 90',
  pois_lng_range: 'lng must be between -180 and 180',
  pois_name_length: 'name must be 1 to 100 characters',
  maps_id_format: 'map ids are 1 to 63 lower-case letters, digits and dashes',
}

const statusByCode: Record<string, { status: number; code: string }> = {
  '23505': { status: 409, code: 'unique_violation' },
  '23503': { status: 422, code: 'foreign_key_violation' },
  '23514': { status: 422, code: 'check_violation' },
  '23502': { status: 422, code: 'not_null_violation' },
  '22P02': { status: 400, code: 'invalid_text_representation' },
  '22003': { status: 422, code: 'numeric_value_out_of_range' },
}

/**
 * Maps a PostgreSQL integrity error to a 4xx HttpError naming the constraint; returns undefined for
 * anything else (connection errors and bugs stay 5xx).
 */
export function httpErrorFromPg(error: unknown): HttpError | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const pg = error as PgErrorLike
  if (typeof pg.code !== 'string') return undefined
  const mapped = statusByCode[pg.code]
  if (!mapped) return undefined
  const constraint = typeof pg.constraint === 'string' ? pg.constraint : undefined
  // key violations' detail names the key ("Key (id)=(x) already exists"); a check violation's detail would
  // echo the whole row, so those keep the server's message
  const keyDetail = (pg.code === '23505' || pg.code === '23503') && typeof pg.detail === 'string' && pg.detail
  const message =
    (constraint && constraintMessages[constraint]) ||
    keyDetail ||
    (typeof pg.message === 'string' ? pg.message : mapped.code)
  return new HttpError(mapped.status, mapped.code, message, constraint)
}

const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error',
]
const UNAVAILABLE_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'])

/**
 * True for errors that mean "the database is unreachable right now" rather than "this request is wrong":
 * SQLSTATE classes 08 (connection exception) and 57P0x (server shutting down / terminated the backend),
 * node-postgres' connection errors, and socket errnos. The API answers those with 503 + Retry-After.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, message } = error as { code?: unknown; message?: unknown }
  if (
    typeof code === 'string' &&
    (code.startsWith('08') || /^57P0\d$/.test(code) || UNAVAILABLE_ERRNOS.has(code))
  ) {
    return true
  }
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((text) => message.includes(text))
}
