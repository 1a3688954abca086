import { describe, expect, it } from 'vitest'
import { ConnectionRegistry } from './connection-registry.js'
import type { ServerConnection } from './server-connection.js'

/** The registry only keeps, compares and hands out connections: a tagged object stands in for one. */
function connection(id: number): ServerConnection {
  return { id, remotePort: 40_000 + id } as unknown as ServerConnection
}

function accept(registry: ConnectionRegistry, id: number): ServerConnection {
  const conn = connection(id)
  registry.add(conn)
  registry.announce(conn)
  return conn
}

const claim = (registry: ConnectionRegistry) =>
  registry.expectConnection(50, undefined, () => 'ws://test').then((c) => (c as unknown as { id: number }).id)

describe('ConnectionRegistry', () => {
  it('hands out an unclaimed connection that already closed, in order of acceptance', async () => {
    const registry = new ConnectionRegistry()
    const first = accept(registry, 1)
    accept(registry, 2)
    registry.delete(first)
    expect(await claim(registry)).toBe(1)
    expect(await claim(registry)).toBe(2)
    expect(registry.unclaimedCount).toBe(0)
  })

  it('keeps only the latest closed unclaimed connections; open and claimed ones do not count', async () => {
    const registry = new ConnectionRegistry(2)
    const conns = Array.from({ length: 6 }, (_, i) => accept(registry, i + 1))
    expect(await claim(registry)).toBe(1)
    registry.delete(conns[0]!) // claimed: not counted
    for (const c of conns.slice(1, 5)) registry.delete(c) // 2, 3, 4, 5 close; 6 stays open
    expect(registry.unclaimedCount).toBe(3)
    expect(await claim(registry)).toBe(4)
    expect(await claim(registry)).toBe(5)
    expect(await claim(registry)).toBe(6)
    await expect(claim(registry)).rejects.toThrow(/a new connection on ws:\/\/test/)
  })

  it('a claimed connection that closes later frees no place and takes none', async () => {
    const registry = new ConnectionRegistry(1)
    const a = accept(registry, 1)
    const b = accept(registry, 2)
    const c = accept(registry, 3)
    expect(await claim(registry)).toBe(1)
    registry.delete(a)
    registry.delete(b)
    registry.delete(c) // 2 is forgotten: only the latest closed unclaimed one (3) is kept
    expect(await claim(registry)).toBe(3)
    expect(registry.open.size).toBe(0)
  })
})
