import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { debugLogger } from '../debug-log.js'
import { getRunDir } from '../dirs/run-dir.js'
import { journalDir, journalGroup } from '../dirs/run-journal.js'
import { withTimeout } from '../wait.js'
import { spawnWatchdog } from './spawn-watchdog.js'
import { WatchdogLink } from './watchdog-link.js'

/**
 * How many watchdogs guard this process at once. Every registration goes to all of them, so when
 * one is killed the other still cleans up if the runner dies in the ~100 ms before its replacement
 * is up (`pkill -9 node` kills them all: then the servers' parent-death signal and the next run's
 * reaping take over).
 */
const WATCHDOGS = 2
const debug = debugLogger('infra:watchdog')

/**
 * What this process has registered. Kept here, not only in the watchdogs, so that a new watchdog
 * (after one was killed) is told everything again.
 */
const registry = { pgids: new Map<number, string | undefined>(), dirs: new Set<string>() }
const links = new Set<WatchdogLink>()
let ensuring: Promise<void> | undefined

/** Socket paths handed to child processes (`INFRA_WATCHDOG_SOCKET`, separated by `path.delimiter`). */
function inheritedSockets(): string[] {
  return (process.env.INFRA_WATCHDOG_SOCKET ?? '').split(path.delimiter).filter(Boolean)
}

function publish(): void {
  const paths = [...links].map((l) => l.socketPath)
  if (paths.length > 0) process.env.INFRA_WATCHDOG_SOCKET = paths.join(path.delimiter)
}

function onLinkClosed(link: WatchdogLink): void {
  links.delete(link)
  // never hand a dead watchdog's socket to children, nor reconnect to it ourselves
  const left = inheritedSockets().filter((p) => p !== link.socketPath)
  if (left.length > 0) process.env.INFRA_WATCHDOG_SOCKET = left.join(path.delimiter)
  else delete process.env.INFRA_WATCHDOG_SOCKET
  if (registry.pgids.size > 0 || registry.dirs.size > 0) respawnSoon()
}

/** Brings the watchdogs back to full strength, retrying (bounded) until it works. */
function respawnSoon(): void {
  void (async () => {
    for (let attempt = 1; attempt <= 20; attempt++) {
      try {
        await ensureWatchdogs()
        return
      } catch (err) {
        debug?.(`replacing a dead watchdog failed (attempt ${attempt}): ${(err as Error).message}`)
        await sleep(Math.min(50 * attempt, 500))
      }
    }
  })()
}

async function connectOrUndefined(socketPath: string): Promise<WatchdogLink | undefined> {
  try {
    return await WatchdogLink.connect(socketPath, onLinkClosed)
  } catch {
    return undefined
  }
}

/** Connects to the inherited watchdogs still alive, starts the missing ones, and replays the registry to new ones. */
function ensureWatchdogs(): Promise<void> {
  ensuring ??= (async () => {
    const fresh: WatchdogLink[] = []
    for (const socketPath of inheritedSockets()) {
      if (links.size + fresh.length >= WATCHDOGS) break
      if ([...links].some((l) => l.socketPath === socketPath)) continue
      const link = await connectOrUndefined(socketPath)
      if (link) fresh.push(link)
    }
    const missing = WATCHDOGS - links.size - fresh.length
    if (missing > 0) {
      const runDir = getRunDir()
      const started = await Promise.all(Array.from({ length: missing }, () => spawnWatchdog(runDir)))
      for (const socketPath of started) fresh.push(await WatchdogLink.connect(socketPath, onLinkClosed))
    }
    for (const link of fresh) links.add(link)
    publish()
    await Promise.all(fresh.map((l) => l.replay(registry)))
  })().finally(() => {
    ensuring = undefined
  })
  return ensuring
}

function live(): WatchdogLink[] {
  return [...links].filter((l) => l.connected)
}

/** Sends to every live watchdog; resolves when all acknowledged (a watchdog that dies counts as done). */
async function broadcast(msg: Record<string, unknown>): Promise<void> {
  if (live().length < WATCHDOGS) await ensureWatchdogs().catch(() => {})
  await Promise.all(live().map((l) => l.send(msg)))
}

/**
 * The connection to the run's watchdogs. Everything registered here is killed (process groups) or
 * removed (directories) by the watchdogs as soon as this process dies, however it dies.
 * Registrations are process-wide: the returned object stays valid across watchdog replacements.
 */
export class WatchdogClient {
  /** The socket of the first live watchdog (children find all of them through `INFRA_WATCHDOG_SOCKET`). */
  get socketPath(): string {
    return live()[0]?.socketPath ?? ''
  }
  /** Pids of the live watchdogs. */
  get pids(): number[] {
    return live().map((l) => l.pid)
  }
  get connected(): boolean {
    return live().length > 0
  }

  /**
   * Kill this process group if the runner dies. Pass the leader's start time (see
   * `processStartTime`) so a recycled pid is never killed.
   */
  registerProcessGroup(pgid: number, startTime?: string): Promise<void> {
    registry.pgids.set(pgid, startTime)
    journalGroup(pgid, startTime, true)
    return broadcast({ op: 'pgid', pgid, start: startTime })
  }
  unregisterProcessGroup(pgid: number): Promise<void> {
    registry.pgids.delete(pgid)
    journalGroup(pgid, undefined, false)
    return broadcast({ op: 'unpgid', pgid })
  }
  /** Remove this directory if the runner dies. */
  registerDir(dir: string): Promise<void> {
    registry.dirs.add(dir)
    journalDir(dir, true)
    return broadcast({ op: 'dir', path: dir })
  }
  unregisterDir(dir: string): Promise<void> {
    registry.dirs.delete(dir)
    journalDir(dir, false)
    return broadcast({ op: 'undir', path: dir })
  }
}

const theClient = new WatchdogClient()

/**
 * The watchdogs of this test run: reuses those named by `INFRA_WATCHDOG_SOCKET` (set for child
 * processes by whoever started them first: call this in a vitest globalSetup to share them with
 * all workers), or starts them.
 */
export async function getWatchdog(): Promise<WatchdogClient> {
  if (live().length < WATCHDOGS) {
    await withTimeout(ensureWatchdogs(), 20_000, 'the run’s watchdog processes to start')
  }
  return theClient
}
