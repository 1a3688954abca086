import fs from 'node:fs'

/** Inodes of the sockets listening on `port` (any address), from /proc/net/tcp{,6}; undefined without /proc. */
function listeningInodes(port: number): Set<string> | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  const inodes = new Set<string>()
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
      if (f[3] === '0A' && f[1]?.endsWith(`:${hexPort}`) && f[9]) inodes.add(f[9])
    }
  }
  return readAny ? inodes : undefined
}

/** Pids whose process group is `pgid`. */
function groupMembers(pgid: number): number[] {
  const members: number[] = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      if (Number(fields[2]) === pgid) members.push(Number(name))
    } catch {
      // exited meanwhile
    }
  }
  return members
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
  const inodes = listeningInodes(port)
  if (!inodes || inodes.size === 0) return undefined
  try {
    return groupMembers(pgid).some((pid) => holdsSocket(pid, inodes))
  } catch {
    return undefined
  }
}
