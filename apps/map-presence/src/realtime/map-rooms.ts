import type { WebSocket } from 'ws'
import type { ServerMessage } from './messages.js'

export interface RoomMember {
  socket: WebSocket
  sessionId: string
  userId: string
  mapId: string
}

/** Connected clients grouped by map; a message sent to a map reaches only that map's clients. */
export class MapRooms {
  private readonly rooms = new Map<string, Set<RoomMember>>()

  add(member: RoomMember): void {
    let room = this.rooms.get(member.mapId)
    if (!room) {
      room = new Set()
      this.rooms.set(member.mapId, room)
    }
    room.add(member)
  }

  remove(member: RoomMember): void {
    const room = this.rooms.get(member.mapId)
    room?.delete(member)
    if (room?.size === 0) this.rooms.delete(member.mapId)
  }

  members(mapId: string): RoomMember[] {
    return [...(this.rooms.get(mapId) ?? [])]
  }

  /** Connections of one session (a user may have several tabs open). */
  sessionMembers(mapId: string, sessionId: string): RoomMember[] {
    return this.members(mapId).filter((member) => member.sessionId === sessionId)
  }

  /** Serialises once and sends to every open client on the map (optionally skipping one); returns the count. */
  broadcast(mapId: string, message: ServerMessage, except?: RoomMember): number {
    const frame = JSON.stringify(message)
    let sent = 0
    for (const member of this.rooms.get(mapId) ?? []) {
      if (member === except || member.socket.readyState !== member.socket.OPEN) continue
      member.socket.send(frame)
      sent++
    }
    return sent
  }

  get size(): number {
    let total = 0
    for (const room of this.rooms.values()) total += room.size
    return total
  }

  all(): RoomMember[] {
    return [...this.rooms.values()].flatMap((room) => [...room])
  }
}
