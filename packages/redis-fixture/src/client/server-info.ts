/** One connection as reported by `CLIENT LIST`. */
export interface RedisClientInfo {
  id: number
  addr: string
  name: string
  db: number
  /** Seconds since the connection was opened. */
  age: number
  /** Seconds idle. */
  idle: number
  /** Last command. */
  cmd: string
  /** Channel subscriptions. */
  sub: number
  /** Pattern subscriptions. */
  psub: number
  flags: string
  user: string
  /** All raw fields. */
  fields: Record<string, string>
}

/** Parses the text of `CLIENT LIST` (one `key=value ...` line per connection). */
export function parseClientList(text: string): RedisClientInfo[] {
  const out: RedisClientInfo[] = []
  for (const line of text.split('\n')) {
    const trimmed = line.trim()
    if (!trimmed) continue
    const fields: Record<string, string> = {}
    for (const part of trimmed.split(' ')) {
      const eq = part.indexOf('=')
      if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1)
    }
    out.push({
      id: Number(fields.id ?? 0),
      addr: fields.addr ?? '',
      name: fields.name ?? '',
      db: Number(fields.db ?? 0),
      age: Number(fields.age ?? 0),
      idle: Number(fields.idle ?? 0),
      cmd: fields.cmd ?? '',
      sub: Number(fields.sub ?? 0),
      psub: Number(fields.psub ?? 0),
      flags: fields.flags ?? '',
      user: fields.user ?? '',
      fields,
    })
  }
  return out
}

/** Connection name prefix of the fixture's own connections, left out of `clientList()` by default. */
export const INTERNAL_CLIENT_PREFIX = 'infra-fixture-'
/** Parses `INFO` output (`key:value` lines, `# Section` headers) into a flat record. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue
    const colon = line.indexOf(':')
    if (colon > 0) out[line.slice(0, colon)] = line.slice(colon + 1)
  }
  return out
}
