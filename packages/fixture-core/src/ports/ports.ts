import net from 'node:net'
import { InvalidOptionsError, PortInUseError } from '../errors.js'

export const LOOPBACK = '127.0.0.1'

/**
 * Ports this process handed out in the last 30 s. The kernel may offer a port again as soon as our
 * probe socket closes; skipping recent ones keeps two starts in one process from being handed the
 * same port before either server has bound it.
 */
const RECENT_MS = 30_000
const recent = new Map<number, number>()

function isRecent(port: number, now: number): boolean {
  const at = recent.get(port)
  if (at === undefined) return false
  if (now - at < RECENT_MS) return true
  recent.delete(port)
  return false
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
 * `count` distinct free ports on `host`, chosen by the kernel (all held open at once, so distinct, and
 * never one this process handed out in the last 30 s). Free *now*: another process may take one before
 * your server binds it, so start servers through {@link withPortRetry}/{@link withPortsRetry}, which
 * pick again on "address in use".
 */
export async function getFreePorts(count: number, host = LOOPBACK): Promise<number[]> {
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new InvalidOptionsError('count', `expected an integer 1..1000, got ${count}`)
  }
  const held: net.Server[] = []
  const ports: number[] = []
  try {
    // a recent port stays held while we ask again, so the kernel cannot offer it twice
    while (ports.length < count && held.length < count + 256) {
      const srv = await listenEphemeral(host)
      held.push(srv)
      const { port } = srv.address() as net.AddressInfo
      if (!isRecent(port, Date.now())) ports.push(port)
    }
  } finally {
    await Promise.all(held.map(closeServer))
  }
  if (ports.length < count)
    throw new PortInUseError(undefined, `could not find ${count} free ports on ${host}`)
  const now = Date.now()
  for (const p of ports) recent.set(p, now)
  return ports
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
  /** Picks the candidate ports of one attempt. Default {@link getFreePorts}. */
  pickPorts?: (count: number, host: string) => Promise<number[]>
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
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new InvalidOptionsError('attempts', `expected an integer >= 1, got ${attempts}`)
  }
  const host = opts.host ?? LOOPBACK
  const pick = opts.pickPorts ?? getFreePorts
  let last: PortInUseError | undefined
  for (let i = 0; i < attempts; i++) {
    const ports = await pick(count, host)
    try {
      return await start(ports)
    } catch (err) {
      if (!(err instanceof PortInUseError)) throw err
      last = err
    }
  }
  throw new PortInUseError(
    last?.port,
    `Gave up after ${attempts} attempts, each lost to another process.\n${last?.message ?? ''}`,
  )
}

/** Recognises the usual "address already in use" phrasing in server logs. */
export function looksLikeAddressInUse(text: string): boolean {
  return /address already in use|EADDRINUSE|Address in use|bind.*in use|could not bind|Only one usage of each socket/i.test(
    text,
  )
}
