import { InvalidOptionsError } from '@infra/fixture-core'

/**
 * What `proxy()` accepts as its upstream: `'host:port'`, a URL string (`redis://127.0.0.1:6379/0`), or any
 * fixture handle — read in this order: `{ host, port }`, then `{ url }`, then the single URL in `env()`.
 * No fixture package is imported: any object of that shape works.
 */
export type ProxyTarget =
  | string
  | { readonly host: string; readonly port: number }
  | { readonly url: string }
  | { env(): Record<string, string> }

export interface ResolvedTarget {
  host: string
  port: number
  /** The target's URL when it had one (the link's `url` is this with the proxy's host:port). */
  url?: string
  /** The target's connection env, when it had one (the link's `env()` rewrites its host:port). */
  env?: Record<string, string>
}

const HOST_PORT = /^(\[[^\]]+\]|[^:/\s]+):(\d{1,5})$/

function parsePort(text: string, what: string): number {
  const port = Number(text)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidOptionsError('target', `${what}: '${text}' is not a port from 1 to 65535`)
  }
  return port
}

function fromUrl(url: string): ResolvedTarget | undefined {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return undefined
  }
  if (!u.hostname || !u.port) return undefined
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: parsePort(u.port, url), url }
}

function fromString(text: string): ResolvedTarget {
  const m = HOST_PORT.exec(text.trim())
  if (m) return { host: m[1]!.replace(/^\[|\]$/g, ''), port: parsePort(m[2]!, text) }
  const parsed = fromUrl(text)
  if (parsed) return parsed
  throw new InvalidOptionsError(
    'target',
    `expected 'host:port', a URL with an explicit port, or a fixture handle; got ${JSON.stringify(text)}`,
  )
}

/** Resolves a {@link ProxyTarget} to the host and port Toxiproxy forwards to. */
export function resolveTarget(target: ProxyTarget): ResolvedTarget {
  if (typeof target === 'string') return fromString(target)
  if (typeof target !== 'object' || target === null) {
    throw new InvalidOptionsError('target', `expected 'host:port' or a fixture handle, got ${String(target)}`)
  }
  const t = target as Partial<{ host: unknown; port: unknown; url: unknown; env: unknown }>
  const env = typeof t.env === 'function' ? (t.env as () => Record<string, string>).call(target) : undefined
  const url = typeof t.url === 'string' ? t.url : undefined
  if (typeof t.host === 'string' && typeof t.port === 'number') {
    parsePort(String(t.port), 'target.port')
    return { host: t.host, port: t.port, url: url && fromUrl(url) ? url : undefined, env }
  }
  if (url) {
    const parsed = fromUrl(url)
    if (parsed) return { ...parsed, env }
  }
  if (env) {
    const urls = Object.values(env).filter((v) => fromUrl(v) !== undefined)
    const distinct = [...new Set(urls.map((v) => `${fromUrl(v)!.host}:${fromUrl(v)!.port}`))]
    if (distinct.length === 1) return { ...fromUrl(urls[0]!)!, env }
    if (distinct.length > 1) {
      throw new InvalidOptionsError(
        'target',
        `the handle's env() names ${distinct.length} servers (${distinct.join(', ')}); proxy one of them by 'host:port'`,
      )
    }
  }
  throw new InvalidOptionsError(
    'target',
    'a fixture handle needs { host, port }, a url with a port, or an env() holding one URL',
  )
}

/** `text` with every `host:port` of the target replaced by the proxy's (URLs and `host:port` lists). */
export function rewriteAddress(
  text: string,
  from: ResolvedTarget,
  to: { host: string; port: number },
): string {
  const hosts = new Set([from.host, ...(isLoopback(from.host) ? ['127.0.0.1', 'localhost'] : [])])
  let out = text
  for (const h of hosts) out = out.split(`${h}:${from.port}`).join(`${to.host}:${to.port}`)
  return out
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '127.0.0.1'
}
