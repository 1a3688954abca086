import fs from 'node:fs'

/** Local addresses (`a.b.c.d` or `[v6]`) with a socket listening on `port`, from /proc/net/tcp{,6}. */
export function listenAddresses(port: number): string[] {
  const out: string[] = []
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(file)) continue
    for (const line of fs.readFileSync(file, 'utf8').trim().split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/)
      const [hex, portHex] = local!.split(':')
      if (state !== '0A' || Number.parseInt(portHex!, 16) !== port) continue
      out.push(
        hex!.length === 8
          ? hex!
              .match(/../g)!
              .reverse()
              .map((b) => Number.parseInt(b, 16))
              .join('.')
          : `[${hex}]`,
      )
    }
  }
  return out
}
