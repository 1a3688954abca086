import { describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import { MapRooms, type RoomMember } from './map-rooms.js'

function fakeSocket(open = true) {
  const sent: string[] = []
  const socket = { OPEN: 1, readyState: open ? 1 : 3, send: (frame: string) => sent.push(frame) }
  return { socket: socket as unknown as WebSocket, sent }
}

function member(mapId: string, sessionId: string, open = true): RoomMember & { sent: string[] } {
  const { socket, sent } = fakeSocket(open)
  return { socket, sessionId, userId: `user-${sessionId}`, mapId, sent }
}

describe('MapRooms', () => {
  it('broadcasts only to open clients of the same map, optionally skipping one', () => {
    const rooms = new MapRooms()
    const a = member('m1', 's1')
    const b = member('m1', 's2')
    const closed = member('m1', 's3', false)
    const other = member('m2', 's4')
    for (const m of [a, b, closed, other]) rooms.add(m)

    const message = { type: 'pong', data: { id: 1 } } as const
    expect(rooms.broadcast('m1', message)).toBe(2)
    expect(rooms.broadcast('m1', message, a)).toBe(1)
    expect(a.sent).toHaveLength(1)
    expect(b.sent).toEqual([JSON.stringify(message), JSON.stringify(message)])
    expect(closed.sent).toEqual([])
    expect(other.sent).toEqual([])
  })

  it('tracks members per map and session and forgets empty maps', () => {
    const rooms = new MapRooms()
    const a = member('m1', 's1')
    const a2 = member('m1', 's1')
    rooms.add(a)
    rooms.add(a2)
    expect(rooms.sessionMembers('m1', 's1')).toHaveLength(2)
    expect(rooms.size).toBe(2)
    rooms.remove(a)
    rooms.remove(a2)
    expect(rooms.size).toBe(0)
    expect(rooms.members('m1')).toEqual([])
    expect(rooms.broadcast('m1', { type: 'pong', data: {} })).toBe(0)
  })
})
