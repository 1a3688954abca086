import { describe, expect, it } from 'vitest'
import { closedPort } from '../../test/support/closed-port.js'
import { PresenceStore } from './presence-store.js'
import { createPresenceRedis } from './redis-client.js'

describe('PresenceStore without Redis', () => {
  it('starts degraded, reports failures instead of throwing, and does not call Redis while degraded', async () => {
    const redis = createPresenceRedis(`redis://127.0.0.1:${await closedPort()}`)
    const store = new PresenceStore(redis, { probeIntervalMs: 50 })
    const degraded: Error[] = []
    store.on('degraded', (error) => degraded.push(error))
    try {
      await store.connect()
      expect(store.status).toBe('degraded')
      expect(degraded).toHaveLength(1)
      const entry = { sessionId: 's', userId: 'u', mapId: 'm', lat: 0, lng: 0, seq: 0 }
      expect(await store.markActive(entry)).toBe(false)
      expect(await store.joinPoi('p', 's')).toBe(false)
      expect(await store.participants('p')).toBeUndefined()
      expect(await store.snapshot('s')).toBeUndefined()
      expect(degraded).toHaveLength(1) // one transition, not one event per call
    } finally {
      await store.close()
    }
  })
})
