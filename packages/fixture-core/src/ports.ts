import net from 'node:net'
import { InvalidOptionsError, PortInUseError } from './errors.js'

export const LOOPBACK = '127.0.0.1'

/** Ports handed out by this process recently; never handed out twice within the window. */
const recentlyHandedOut = new Map<number, number>()
const RECENT_WINDOW_MS = 30_000

function remember(port: number): void {
  const now = Date.now()
  for (const [p, t] of recentlyHandedOut) if (now - t > RECENT_WINDOW_MS) recentlyHandedOut.delete(p)
  recentlyHandedOut.set(port, now)
}

function listenEphemeral(host: string): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.once('error', reject)
    srv.listen({ port: 0, host, exclusive: true }, () => resolve(srv))
  })
}

function closeServer(srv: net.Server): Promise<void> {
  return new Promise((resolve) => srv.close(() => resolve()))
}

/**
 * `count` distinct free ports on `host`, chosen by the kernel (all held open at once, so distinct).
 * Free *now*: another process may take one before your server binds it, so start servers through
 * {@link withPortRetry}/{@link withPortsRetry}, which pick again on "address in use".
 */
export async function getFreePorts(count: number, host = LOOPBACK): Promise<number[]> {
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new InvalidOptionsError('count', `expected an integer 1..1000, got ${count}`)
  }
  const held: net.Server[] = []
  try {
    while (held.length < count) {
      const srv = await listenEphemeral(host)
      const port = (srv.address() as net.AddressInfo).port
      if (recentlyHandedOut.has(port)) {
        // keep it held so the kernel gives another one, release at the end
        held.push(srv)
        continue
      }
      held.push(srv)
    }
    const ports = held
      .map((s) => (s.address() as net.AddressInfo).port)
      .filter((p) => !recentlyHandedOut.has(p))
      .slice(0, count)
    for (const p of ports) remember(p)
    if (ports.length < count) return [...ports, ...(await getFreePorts(count - ports.length, host))]
    return ports
  } finally {
    await Promise.all(held.map(closeServer))
  }
}

/** One free port on `host` (see {@link getFreePorts} for the caveat). */
export async function getFreePort(host = LOOPBACK): Promise<number> {
  const [port] = await getFreePorts(1, host)
  return port!
}

/** True when `port` on `host` can be bound right now. */
export async function isPortFree(port: number, host = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer()
    srv.unref()
    srv.once('error', () => resolve(false))
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)))
  })
}

export interface PortRetryOptions {
  /** How many times to pick new ports before giving up. Default 8. */
  attempts?: number
  host?: string
}

/**
 * Starts something on a fresh port, picking again whenever `start` throws {@link PortInUseError}.
 * Safe across parallel test workers: a lost race costs one retry, not a failed test.
 */
export async function withPortRetry<T>(
  start: (port: number) => Promise<T>,
  opts: PortRetryOptions = {},
): Promise<T> {
  return withPortsRetry(1, (ports) => start(ports[0]!), opts)
}

/**
 * Like {@link withPortRetry} for a cluster that must know all `count` ports before any node starts:
 * on "address in use" from any node the whole cluster is retried with new ports
 * (`start` must clean up what it started before throwing).
 */
export async function withPortsRetry<T>(
  count: number,
  start: (ports: number[]) => Promise<T>,
  opts: PortRetryOptions = {},
): Promise<T> {
  const attempts = opts.attempts ?? 8
  let last: unknown
  for (let i = 0; i < attempts; i++) {
    const ports = await getFreePorts(count, opts.host)
    try {
      return await start(ports)
    } catch (err) {
      if (!(err instanceof PortInUseError)) throw err
      last = err
    }
  }
  throw last
}

/** Recognises the usual "address already in use" phrasing in server logs. */
export function looksLikeAddressInUse(text: string): boolean {
  return /address already in use|EADDRINUSE|Address in use|bind.*in use|could not bind|Only one usage of each socket/i.test(
    text,
  )
}
