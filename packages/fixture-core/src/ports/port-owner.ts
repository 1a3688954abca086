import fs from 'node:fs'
import { groupMembers } from '../process/process-identity.js'

/** One listening TCP socket: its local address (`a.b.c.d`, or `[hex]` for IPv6) and its socket inode. */
interface ListeningSocket {
  address: string
  inode: string
}

/** `0100007F` → `127.0.0.1`; an IPv6 address stays hex in brackets. */
function decodeAddress(hex: string): string {
  if (hex.length !== 8) return `[${hex}]`
  return hex
    .match(/../g)!
    .reverse()
    .map((b) => Number.parseInt(b, 16))
    .join('.')
}

/** The sockets listening on `port` (any address), from /proc/net/tcp{,6}; undefined without /proc. */
function listeningSockets(port: number): ListeningSocket[] | undefined {
  const found: ListeningSocket[] = []
  let readAny = false
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string
    try {
      text = fs.readFileSync(table, 'utf8')
      readAny = true
    } catch {
      continue
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      // f[1] = local address:port, f[3] = state (0A = LISTEN), f[9] = inode
      const [hex, portHex] = f[1]?.split(':') ?? []
      if (f[3] !== '0A' || !hex || Number.parseInt(portHex ?? '', 16) !== port) continue
      found.push({ address: decodeAddress(hex), inode: f[9] ?? '' })
    }
  }
  return readAny ? found : undefined
}

/**
 * The local addresses with a socket listening on `port` in this network namespace (`127.0.0.1`,
 * `0.0.0.0`, or `[hex]` for IPv6), from /proc/net/tcp{,6}; empty without /proc. For tests asserting that a
 * server binds loopback only.
 */
export function listeningAddresses(port: number): string[] {
  return (listeningSockets(port) ?? []).map((s) => s.address)
}

function holdsSocket(pid: number, inodes: Set<string>): boolean {
  let fds: string[]
  try {
    fds = fs.readdirSync(`/proc/${pid}/fd`)
  } catch {
    return false
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))
      if (m && inodes.has(m[1]!)) return true
    } catch {
      // closed meanwhile
    }
  }
  return false
}

/**
 * Whether the socket listening on `port` belongs to a process of group `pgid`: `false` when the port
 * is held by someone else (a probe answered by another server that won the bind race), `undefined`
 * when it cannot be told (no /proc, or the listener is in another network namespace).
 */
export function processGroupOwnsPort(pgid: number, port: number): boolean | undefined {
  const sockets = listeningSockets(port)
  if (!sockets || sockets.length === 0) return undefined
  const inodes = new Set(sockets.map((s) => s.inode).filter(Boolean))
  try {
    return groupMembers(pgid).some((pid) => holdsSocket(pid, inodes))
  } catch {
    return undefined
  }
}
