// The wire protocol of /ws, shared by the server (src/server) and the client library (src/client).
//
// client → server   { type: 'subscribe', channels: ['orders'] }   { type: 'unsubscribe', channels: [...] }
//                   { type: 'ping', id? }
// server → client   { type: 'welcome', clientId }                  { type: 'subscribed', channels }
//                   { type: 'unsubscribed', channels }             { type: 'pong', id? }
//                   { type: 'event', channel, event, payload, id, sentAt }
//                   { type: 'error', code, message }

/** A channel name: 1–64 characters of letters, digits and `._:-`. */
export const CHANNEL_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/
/** How many channels one frame may name. */
export const MAX_CHANNELS_PER_FRAME = 32

export type ClientFrame =
  | { type: 'subscribe'; channels: string[] }
  | { type: 'unsubscribe'; channels: string[] }
  | { type: 'ping'; id?: string | number }

/** One broadcast as it travels: over Redis between instances and to clients as `{ type: 'event', … }`. */
export interface BroadcastEvent<Payload = unknown> {
  channel: string
  /** e.g. `order.created` */
  event: string
  payload: Payload
  /** Unique per broadcast (the publishing instance's id and a counter). */
  id: string
  /** Epoch ms when the publishing instance sent it. */
  sentAt: number
}

export type ServerFrame =
  | { type: 'welcome'; clientId: string }
  | { type: 'subscribed'; channels: string[] }
  | { type: 'unsubscribed'; channels: string[] }
  | { type: 'pong'; id?: string | number }
  | ({ type: 'event' } & BroadcastEvent)
  | { type: 'error'; code: ErrorCode; message: string }

export type ErrorCode = 'invalid_json' | 'invalid_frame' | 'binary_not_supported'

export type ParsedFrame = ClientFrame | { error: ErrorCode; message: string }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks a list of channel names; returns a reason when it is not acceptable. */
export function invalidChannels(channels: unknown): string | undefined {
  if (!Array.isArray(channels) || channels.length === 0) return '`channels` must be a non-empty array'
  if (channels.length > MAX_CHANNELS_PER_FRAME) {
    return `at most ${MAX_CHANNELS_PER_FRAME} channels per frame, got ${channels.length}`
  }
  const bad = channels.find((channel) => typeof channel !== 'string' || !CHANNEL_PATTERN.test(channel))
  if (bad !== undefined) return `invalid channel name ${JSON.stringify(bad)} (expected ${CHANNEL_PATTERN})`
  return undefined
}

/** Parses one text frame from a client. Never throws: a bad frame becomes `{ error, message }`. */
export function parseClientFrame(text: string): ParsedFrame {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { error: 'invalid_json', message: 'the frame is not JSON' }
  }
  if (!isRecord(value) || typeof value.type !== 'string') {
    return { error: 'invalid_frame', message: 'expected an object with a string `type`' }
  }
  switch (value.type) {
    case 'subscribe':
    case 'unsubscribe': {
      const reason = invalidChannels(value.channels)
      if (reason) return { error: 'invalid_frame', message: `${value.type}: ${reason}` }
      return { type: value.type, channels: [...new Set(value.channels as string[])] }
    }
    case 'ping': {
      const id = value.id
      if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') {
        return { error: 'invalid_frame', message: 'ping: `id` must be a string or number' }
      }
      return id === undefined ? { type: 'ping' } : { type: 'ping', id }
    }
    default:
      return {
        error: 'invalid_frame',
        message: `unknown type ${JSON.stringify(value.type)} (expected subscribe, unsubscribe or ping)`,
      }
  }
}

/** Parses a frame from the server (client side); `undefined` for anything that is not a known frame. */
export function parseServerFrame(text: string): ServerFrame | undefined {
  try {
    const value: unknown = JSON.parse(text)
    if (isRecord(value) && typeof value.type === 'string') return value as ServerFrame
  } catch {
    // not JSON: ignored by the caller
  }
  return undefined
}
