import { type ChildProcess, spawn } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { debugLogger } from './debug-log.js'
import { InvalidOptionsError, PortInUseError, ProcessExitedError, StartupTimeoutError } from './errors.js'
import { looksLikeAddressInUse } from './ports.js'
import { LineRingBuffer } from './ring-buffer.js'
import { getWatchdog, type WatchdogClient } from './watchdog.js'

export interface ExitInfo {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface ReadyContext {
  /** Aborted when the process exits or the wait times out: pass it to your client if it accepts one. */
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
  /** Signal for a graceful stop. Default SIGTERM. */
  stopSignal?: NodeJS.Signals
  /** Time to wait after the graceful signal before SIGKILL. Default 5 000 ms. */
  stopGraceMs?: number
  /** Log lines kept in memory. Default 1 000. */
  logCapacity?: number
  /** The port the server binds (for errors and port-in-use detection). */
  port?: number
  /** Decides from the output whether an early exit was a port clash. Default: common phrasings. */
  isPortInUse?: (output: string) => boolean
  /** Register with the run's watchdog (default true). */
  watchdog?: boolean
}

export interface StopOptions {
  signal?: NodeJS.Signals
  graceMs?: number
}

const DEFAULT_READY_TIMEOUT = 30_000

/**
 * A server process in its own process group, with bounded logs, protocol readiness and the fault
 * controls tests need: stop (graceful → SIGKILL), kill, pause/resume, restart.
 */
export class ServiceProcess {
  readonly name: string
  private child: ChildProcess | undefined
  private readonly logBuffer: LineRingBuffer
  private exitPromise: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null })
  private lastExit: ExitInfo | undefined
  private isPaused = false
  private stopping: Promise<void> | undefined
  private watchdog: WatchdogClient | undefined
  private readonly debug: ((line: string) => void) | undefined

  constructor(readonly spec: ServiceSpec) {
    validateSpec(spec)
    this.name = spec.name
    this.logBuffer = new LineRingBuffer(spec.logCapacity ?? 1000)
    this.debug = debugLogger(`infra:${spec.name}`)
  }

  /** The pid of the current incarnation (also its process group id). */
  get pid(): number | undefined {
    return this.child?.pid
  }
  get port(): number | undefined {
    return this.spec.port
  }
  /** True while the current incarnation has not exited. */
  get running(): boolean {
    return this.child !== undefined && this.lastExit === undefined
  }
  get paused(): boolean {
    return this.isPaused
  }
  /** Exit of the last incarnation, if it has exited. */
  get exitInfo(): ExitInfo | undefined {
    return this.lastExit
  }
  /** Resolves when the current incarnation exits (a restart makes a new one). Never rejects. */
  get exited(): Promise<ExitInfo> {
    return this.exitPromise
  }
  /** The last `n` lines of stdout+stderr (all kept lines by default). */
  logs(n?: number): string[] {
    return this.logBuffer.tail(n)
  }

  /** Spawns the process and waits until the readiness probe passes. */
  async start(): Promise<this> {
    if (this.running) return this
    this.stopping = undefined
    this.lastExit = undefined
    this.isPaused = false
    const { spec } = this
    const env: NodeJS.ProcessEnv = { ...process.env }
    for (const [k, v] of Object.entries(spec.env ?? {})) {
      if (v === undefined) delete env[k]
      else env[k] = v
    }
    if (spec.watchdog !== false) this.watchdog = await getWatchdog()
    const child = spawn(spec.command, [...(spec.args ?? [])], {
      cwd: spec.cwd,
      env,
      uid: spec.uid,
      gid: spec.gid,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve))
    this.exitPromise = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (code, signal) => {
        this.lastExit = { code, signal }
        this.isPaused = false
        this.debug?.(`exited (${signal ?? code})`)
        if (child.pid && this.watchdog) this.watchdog.unregisterProcessGroup(child.pid).catch(() => {})
        resolve(this.lastExit)
      })
      child.once('error', () => {
        if (!child.pid) {
          this.lastExit = { code: null, signal: null }
          resolve(this.lastExit)
        }
      })
    })
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        const lines = this.logBuffer.write(chunk)
        if (this.debug) for (const l of lines) this.debug(l)
      })
    }
    if (child.pid && this.watchdog) await this.watchdog.registerProcessGroup(child.pid)
    try {
      await this.waitReady(spawnError)
    } catch (err) {
      await this.kill()
      throw err
    }
    return this
  }

  private async waitReady(spawnError: Promise<Error>): Promise<void> {
    const { spec } = this
    const timeoutMs = spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT
    const interval = spec.readyIntervalMs ?? 10
    const what = spec.readyWhat ?? `'${spec.name}' to become ready${spec.port ? ` on port ${spec.port}` : ''}`
    const controller = new AbortController()
    const deadline = Date.now() + timeoutMs
    let lastError: unknown
    const exited = this.exitPromise.then((exit) => ({ kind: 'exit' as const, exit }))
    const failed = spawnError.then((error) => ({ kind: 'error' as const, error }))
    try {
      for (;;) {
        const probe = spec.ready
          ? spec
              .ready({ signal: controller.signal, service: this })
              .then((ok) => ({ kind: 'probe' as const, ok: ok !== false }))
              .catch((error: unknown) => ({ kind: 'probe' as const, ok: false, error }))
          : Promise.resolve({ kind: 'probe' as const, ok: true })
        const left = Math.max(0, deadline - Date.now())
        const timer = sleep(left, { kind: 'timeout' as const }, { ref: false })
        const outcome = await Promise.race([probe, exited, failed, timer])
        if (outcome.kind === 'probe' && outcome.ok) {
          // a process that died right after answering is not ready
          if (this.lastExit) throw this.exitError(this.lastExit)
          return
        }
        if (outcome.kind === 'probe' && 'error' in outcome) lastError = outcome.error
        if (outcome.kind === 'exit') {
          await sleep(20) // let the last output arrive
          throw this.exitError(outcome.exit)
        }
        if (outcome.kind === 'error') {
          throw new ProcessExitedError(
            spec.name,
            { code: null, signal: null },
            [`spawn ${spec.command} failed: ${outcome.error.message}`, ...this.logs(50)],
          )
        }
        if (outcome.kind === 'timeout' || Date.now() >= deadline) {
          throw new StartupTimeoutError(spec.name, what, timeoutMs, this.logs(50), lastError)
        }
        await Promise.race([sleep(interval), exited])
      }
    } finally {
      controller.abort()
    }
  }

  private exitError(exit: ExitInfo): Error {
    const output = this.logs().join('\n')
    const isClash = this.spec.isPortInUse ?? looksLikeAddressInUse
    if (isClash(output)) return new PortInUseError(this.spec.port, this.logs(20).join('\n'))
    return new ProcessExitedError(this.spec.name, exit, this.logs(50))
  }

  private signalGroup(signal: NodeJS.Signals): boolean {
    const pid = this.child?.pid
    if (!pid) return false
    try {
      process.kill(-pid, signal)
      return true
    } catch {
      try {
        process.kill(pid, signal)
        return true
      } catch {
        return false
      }
    }
  }

  /**
   * Graceful stop: the stop signal to the server, SIGKILL to its whole process group after the grace
   * period. Idempotent; resolves also when the process already died.
   */
  stop(opts: StopOptions = {}): Promise<void> {
    this.stopping ??= this.doStop(opts)
    return this.stopping
  }

  private async doStop(opts: StopOptions): Promise<void> {
    const child = this.child
    if (!child?.pid) return
    if (this.running) {
      if (this.isPaused) this.resume()
      try {
        process.kill(child.pid, opts.signal ?? this.spec.stopSignal ?? 'SIGTERM')
      } catch {
        // already gone
      }
      const grace = opts.graceMs ?? this.spec.stopGraceMs ?? 5_000
      const result = await Promise.race([this.exitPromise, sleep(grace, 'grace', { ref: false })])
      if (result === 'grace') {
        this.debug?.(`did not stop within ${grace} ms: SIGKILL`)
      }
    }
    // whatever is left in the group (worker processes of the server) goes now
    this.signalGroup('SIGKILL')
    await this.exitPromise
  }

  /** SIGKILL to the whole process group: a crash. Resolves once the process has exited. */
  async kill(): Promise<void> {
    if (!this.child?.pid) return
    this.signalGroup('SIGKILL')
    await this.exitPromise
  }

  /** SIGSTOP to the process group: the server hangs, clients see timeouts. */
  pause(): void {
    if (!this.running) throw new InvalidOptionsError('pause', `'${this.name}' is not running`)
    this.signalGroup('SIGSTOP')
    this.isPaused = true
  }

  /** SIGCONT to the process group. */
  resume(): void {
    if (!this.running) return
    this.signalGroup('SIGCONT')
    this.isPaused = false
  }

  /** Stops (gracefully) if running and starts again with the same command: same port, same data. */
  async restart(opts: StopOptions = {}): Promise<this> {
    await this.stop(opts)
    this.logBuffer.push(`--- restart of '${this.name}' ---`)
    return this.start()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}

function validateSpec(spec: ServiceSpec): void {
  if (!spec.name) throw new InvalidOptionsError('name', 'a service needs a name')
  if (!spec.command) throw new InvalidOptionsError('command', 'a service needs a command')
  if (spec.readyTimeoutMs !== undefined && !(spec.readyTimeoutMs > 0 && Number.isFinite(spec.readyTimeoutMs))) {
    throw new InvalidOptionsError('readyTimeoutMs', `must be a finite number > 0, got ${spec.readyTimeoutMs}`)
  }
  if (spec.stopGraceMs !== undefined && !(spec.stopGraceMs >= 0 && Number.isFinite(spec.stopGraceMs))) {
    throw new InvalidOptionsError('stopGraceMs', `must be a finite number >= 0, got ${spec.stopGraceMs}`)
  }
}

/** Creates and starts a {@link ServiceProcess}. */
export async function startService(spec: ServiceSpec): Promise<ServiceProcess> {
  return new ServiceProcess(spec).start()
}
