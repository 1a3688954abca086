/** The Redis keys of seed 000. A key prefix (namespace) is applied by the client, not here. */
export const presenceKeys = {
  session: (sessionId: string) => `session:${sessionId}`,
  presence: (sessionId: string) => `presence:${sessionId}`,
  poiParticipants: (poiId: string) => `poi:participants:${poiId}`,
}

/** Thirty minutes: how long a session stays "active" after its last activity. */
export const DEFAULT_PRESENCE_TTL_SECONDS = 30 * 60
