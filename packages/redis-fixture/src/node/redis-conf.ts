import type { RedisServerOptions } from '../server/options.js'

/** One `redis.conf` line: directive and arguments, each argument quoted when it needs to be. */
export function confLine(directive: string, ...args: Array<string | number | boolean>): string {
  return [directive, ...args.map(quoteConfArg)].join(' ')
}

/** Quotes a redis.conf argument (double quotes, backslash escapes) unless it is a plain word. */
export function quoteConfArg(value: string | number | boolean): string {
  const s = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)
  if (s !== '' && /^[A-Za-z0-9_.:/@+\-=<>~*&%^!,#$]+$/.test(s)) return s
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

export const DEFAULT_DATABASES = 256

/** The `redis.conf` of a local test server: loopback, no daemon, persistence off unless asked. */
export function buildServerConf(
  opts: RedisServerOptions & {
    port: number
    dir: string /** Redis major (default 7): 6 has no appenddirname. */
    major?: number
  },
): string {
  const lines: string[] = [
    confLine('port', opts.port),
    confLine('bind', '127.0.0.1'),
    confLine('protected-mode', 'yes'),
    confLine('daemonize', 'no'),
    confLine('supervised', 'no'),
    confLine('logfile', ''),
    confLine('loglevel', 'notice'),
    confLine('dir', opts.dir),
    confLine('databases', opts.databases ?? DEFAULT_DATABASES),
    confLine('dbfilename', 'dump.rdb'),
    confLine('appendfilename', 'appendonly.aof'),
  ]
  if ((opts.major ?? 7) >= 7) lines.push(confLine('appenddirname', 'appendonlydir'))
  const persistence = opts.persistence ?? 'none'
  if (persistence === 'rdb') lines.push('save 3600 1 300 100 60 10000', confLine('appendonly', 'no'))
  else lines.push(confLine('save', ''), confLine('appendonly', persistence === 'aof'))
  if (persistence === 'aof') lines.push(confLine('appendfsync', opts.appendfsync ?? 'everysec'))
  if (opts.password !== undefined) lines.push(confLine('requirepass', opts.password))
  for (const u of opts.users ?? []) {
    lines.push(`user ${u.name} on >${u.password} ${u.rules ?? '~* &* +@all'}`)
  }
  if (opts.maxmemory !== undefined) lines.push(confLine('maxmemory', opts.maxmemory))
  if (opts.maxmemoryPolicy !== undefined) lines.push(confLine('maxmemory-policy', opts.maxmemoryPolicy))
  if (opts.maxclients !== undefined) lines.push(confLine('maxclients', opts.maxclients))
  for (const [k, v] of Object.entries(opts.config ?? {})) lines.push(confLine(k, v))
  return `${lines.join('\n')}\n`
}
