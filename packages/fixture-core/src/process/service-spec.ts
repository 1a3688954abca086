import { InvalidOptionsError } from '../errors.js'
import type { ServiceProcess } from './service-process.js'

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
  /** True when the exit was asked for (stop, kill, restart, a failed start); false for a crash. */
  requested?: boolean
}

export interface ReadyContext {
  /** Aborted when this probe attempt is abandoned (attempt timeout, process exit, overall timeout): pass it to your client. */
  signal: AbortSignal
  service: ServiceProcess
}

export interface ServiceSpec {
  /** Short name used in errors and as the DEBUG namespace (`infra:<name>`). */
  name: string
  command: string
  args?: readonly string[]
  /** Extra environment, merged over `process.env` (a value of `undefined` removes a variable). */
  env?: Record<string, string | undefined>
  cwd?: string
  /** Run as this user/group (requires root). */
  uid?: number
  gid?: number
  /**
   * Readiness probe: a real protocol request (connect + ping/query). Return `true` (or nothing) when
   * ready; return `false` or throw for "not yet". Without a probe the process is ready once spawned.
   */
  ready?: (ctx: ReadyContext) => Promise<boolean | undefined | void>
  /** Words for what readiness means, used in the timeout error. */
  readyWhat?: string
  /** Finite start timeout. Default 30 000 ms. */
  readyTimeoutMs?: number
  /** Probe interval. Default 10 ms. */
  readyIntervalMs?: number
  /** One probe attempt still running after this long is abandoned and retried. Default 5 000 ms. */
  readyAttemptTimeoutMs?: number
  /** Signal for a graceful stop, sent to the main process. Default SIGTERM. */
  stopSignal?: NodeJS.Signals
  /** Time to wait after the graceful signal before SIGKILL to the whole group. Default 5 000 ms. */
  stopGraceMs?: number
  /** Log lines kept in memory. Default 1 000. */
  logCapacity?: number
  /** The port the server binds (for errors and port-in-use detection). */
  port?: number
  /**
   * After the probe succeeds, check (Linux /proc) that the socket listening on `port` belongs to this
   * process group, not to another server that won the race for the port. Default true when `port` is set.
   */
  checkPortOwner?: boolean
  /** Decides from the output whether an early exit was a port clash. Default: common phrasings. */
  isPortInUse?: (output: string) => boolean
  /** Register with the run's watchdog (default true). */
  watchdog?: boolean
  /**
   * Linux: the kernel SIGKILLs the server when the process that started it dies, even when the
   * watchdogs died too (`setpriv --pdeathsig KILL`). Default true; false lets a server outlive
   * the process that spawned it (the watchdog still guards it).
   */
  dieWithParent?: boolean
}

export interface StopOptions {
  signal?: NodeJS.Signals
  graceMs?: number
}

function checkDuration(spec: ServiceSpec, key: keyof ServiceSpec, allowZero: boolean): void {
  const v = spec[key]
  if (v === undefined) return
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new InvalidOptionsError(
      key,
      `must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${String(v)}`,
    )
  }
}

/** Rejects a bad spec before anything starts. */
export function validateSpec(spec: ServiceSpec): void {
  if (!spec || typeof spec !== 'object') throw new InvalidOptionsError('spec', 'expected an object')
  if (!spec.name) throw new InvalidOptionsError('name', 'a service needs a name')
  if (!spec.command) throw new InvalidOptionsError('command', 'a service needs a command')
  checkDuration(spec, 'readyTimeoutMs', false)
  checkDuration(spec, 'readyIntervalMs', true)
  checkDuration(spec, 'readyAttemptTimeoutMs', false)
  checkDuration(spec, 'stopGraceMs', true)
  if (spec.logCapacity !== undefined && !(Number.isInteger(spec.logCapacity) && spec.logCapacity >= 1)) {
    throw new InvalidOptionsError('logCapacity', `must be an integer >= 1, got ${spec.logCapacity}`)
  }
  if (spec.port !== undefined && !(Number.isInteger(spec.port) && spec.port > 0 && spec.port < 65536)) {
    throw new InvalidOptionsError('port', `must be an integer 1..65535, got ${spec.port}`)
  }
}
