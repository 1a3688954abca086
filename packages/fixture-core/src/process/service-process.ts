import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { debugLogger } from '../debug-log.js'
import { InvalidOptionsError, PortInUseError, ProcessExitedError, StartupTimeoutError } from '../errors.js'
import { processGroupOwnsPort } from '../ports/port-owner.js'
import { looksLikeAddressInUse } from '../ports/ports.js'
import { getWatchdog, type WatchdogClient } from '../watchdog/watchdog.js'
import { waitUntilGroupStopped } from './group-stop.js'
import { withParentDeathSignal } from './parent-death.js'
import { processStartTime, signalProcessGroup } from './process-identity.js'
import { pollReadiness } from './readiness.js'
import { LineRingBuffer } from './ring-buffer.js'
import { type ExitInfo, type ServiceSpec, type StopOptions, validateSpec } from './service-spec.js'

export type { ExitInfo, ReadyContext, ServiceSpec, StopOptions } from './service-spec.js'

const DEFAULT_READY_TIMEOUT = 30_000
const NEVER_STARTED: ExitInfo = Object.freeze({ code: null, signal: null, requested: true })

/**
 * A server process in its own process group, with bounded logs, protocol readiness and the fault
 * controls tests need: stop (graceful → SIGKILL), kill, pause/resume, restart.
 *
 * Each `start()` makes a new *incarnation* (a new pid); `exited`, `exitInfo`, `running` and `pid`
 * describe the current one.
 */
export class ServiceProcess {
  readonly name: string
  private child: ChildProcess | undefined
  private startTime: string | undefined
  private readonly logBuffer: LineRingBuffer
  private startMark = 0
  private exitPromise: Promise<ExitInfo> = Promise.resolve(NEVER_STARTED)
  private outputDone: Promise<void> = Promise.resolve()
  private lastExit: ExitInfo | undefined
  private spawnError: Error | undefined
  private isPaused = false
  private exitRequested = false
  private starting: Promise<this> | undefined
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
    return this.child?.pid !== undefined && this.lastExit === undefined
  }
  get paused(): boolean {
    return this.isPaused
  }
  /** Exit of the current incarnation, once it has exited. */
  get exitInfo(): ExitInfo | undefined {
    return this.lastExit
  }
  /**
   * Resolves when the current incarnation exits; never rejects. Read it again after `restart()`:
   * a promise taken before a restart belongs to the old incarnation (and resolves when it stops).
   * Before the first start it is already resolved.
   */
  get exited(): Promise<ExitInfo> {
    return this.exitPromise
  }
  /** The last `n` lines of stdout+stderr (all kept lines by default), across restarts. */
  logs(n?: number): string[] {
    return this.logBuffer.tail(n)
  }

  /** Spawns the process and waits until the readiness probe passes. A no-op while running. */
  start(): Promise<this> {
    this.starting ??= this.doStart().finally(() => {
      this.starting = undefined
    })
    return this.starting
  }

  private async doStart(): Promise<this> {
    if (this.stopping) await this.stopping
    if (this.running) return this
    this.stopping = undefined
    if (this.spec.watchdog !== false) this.watchdog = await getWatchdog()
    if (this.stopping) {
      throw new ProcessExitedError(
        this.name,
        NEVER_STARTED,
        [],
        'before it started: stop() was called during start()',
      )
    }
    this.spawnChild()
    const child = this.child!
    try {
      if (child.pid && this.watchdog) await this.watchdog.registerProcessGroup(child.pid, this.startTime)
      await this.waitReady()
    } catch (err) {
      await this.kill()
      throw err
    }
    return this
  }

  private spawnChild(): void {
    const { spec } = this
    const env: NodeJS.ProcessEnv = { ...process.env }
    for (const [k, v] of Object.entries(spec.env ?? {})) {
      if (v === undefined) delete env[k]
      else env[k] = v
    }
    this.lastExit = undefined
    this.spawnError = undefined
    this.isPaused = false
    this.exitRequested = false
    this.startMark = this.logBuffer.written
    const { command, args } =
      spec.dieWithParent === false
        ? { command: spec.command, args: [...(spec.args ?? [])] }
        : withParentDeathSignal(spec.command, spec.args ?? [], env.PATH)
    const child = spawn(command, args, {
      cwd: spec.cwd,
      env,
      uid: spec.uid,
      gid: spec.gid,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    this.child = child
    this.startTime = child.pid ? processStartTime(child.pid) : undefined
    this.debug?.(`[${child.pid ?? '-'}] spawned: ${spec.command} ${(spec.args ?? []).join(' ')}`)
    const streams = [child.stdout!, child.stderr!]
    for (const stream of streams) {
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        const lines = this.logBuffer.write(chunk)
        if (this.debug) for (const l of lines) this.debug(`[${child.pid}] ${l}`)
      })
    }
    this.outputDone = Promise.all(streams.map((s) => once(s, 'close').catch(() => {}))).then(() => {})
    this.exitPromise = new Promise<ExitInfo>((resolve) => {
      const finish = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.child === child && this.lastExit) return
        const info: ExitInfo = { code, signal, requested: this.exitRequested }
        if (this.child === child) {
          this.lastExit = info
          this.isPaused = false
        }
        this.debug?.(`[${child.pid ?? '-'}] exited (${signal ?? `code ${code}`})`)
        resolve(info)
      }
      child.once('exit', finish)
      child.on('error', (err) => {
        if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) return
        this.spawnError = err
        finish(null, null)
      })
    })
  }

  private async waitReady(): Promise<void> {
    const { spec } = this
    if (this.child?.pid === undefined) {
      // spawn failed (no such file, no permission): the 'error' event follows
      throw this.exitError(await this.exitPromise)
    }
    const timeoutMs = spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT
    const probe = spec.ready
    const outcome = await pollReadiness({
      probe: async (signal) => {
        if (probe && (await probe({ signal, service: this })) === false) return false
        this.checkPortOwner()
        return true
      },
      exited: this.exitPromise,
      timeoutMs,
      intervalMs: spec.readyIntervalMs ?? 10,
      attemptTimeoutMs: spec.readyAttemptTimeoutMs ?? 5_000,
    })
    if (outcome.kind === 'ready' && !this.lastExit) return
    if (outcome.kind === 'timeout') {
      const what =
        spec.readyWhat ?? `'${spec.name}' to become ready${spec.port ? ` on port ${spec.port}` : ''}`
      throw new StartupTimeoutError(spec.name, what, timeoutMs, this.logs(50), outcome.lastError)
    }
    // let the last output arrive (bounded: grandchildren may hold the pipes open)
    await Promise.race([this.outputDone, sleep(2_000)]) // a loaded machine may deliver it late
    this.logBuffer.flush()
    throw this.exitError(this.lastExit ?? { code: null, signal: null })
  }

  /** A probe answered by a server of another process (that won the race for our port) does not count. */
  private checkPortOwner(): void {
    const { port, checkPortOwner } = this.spec
    const pid = this.child?.pid
    if (port === undefined || pid === undefined || checkPortOwner === false) return
    if (processGroupOwnsPort(pid, port) === false) {
      throw new Error(
        `port ${port} answers, but it is held by another process, not by '${this.name}' (pid ${pid})`,
      )
    }
  }

  private exitError(exit: ExitInfo): Error {
    if (this.spawnError) {
      const e = this.spawnError as NodeJS.ErrnoException
      return new ProcessExitedError(
        this.spec.name,
        exit,
        [`could not spawn '${this.spec.command}' (${e.code ?? e.message}): check the path and permissions`],
        'at spawn',
      )
    }
    const isClash = this.spec.isPortInUse ?? looksLikeAddressInUse
    const thisRun = this.logBuffer.since(this.startMark)
    if (isClash(thisRun.join('\n'))) return new PortInUseError(this.spec.port, thisRun.slice(-20).join('\n'))
    return new ProcessExitedError(this.spec.name, exit, this.logs(50))
  }

  /** Signals the current incarnation's process group; never a recycled pid's group. */
  private signalGroup(signal: NodeJS.Signals): boolean {
    const pid = this.child?.pid
    if (!pid) return false
    if (signalProcessGroup(pid, signal, this.startTime)) return true
    if (!this.running) return false
    try {
      process.kill(pid, signal) // the server moved itself to another group
      return true
    } catch {
      return false
    }
  }

  /**
   * Graceful stop: the stop signal to the server (continued first if paused), SIGKILL to its whole
   * process group after the grace period. Idempotent; resolves also when the process already died.
   */
  stop(opts: StopOptions = {}): Promise<void> {
    if (!this.child && !this.starting) return Promise.resolve()
    this.stopping ??= this.doStop(opts)
    return this.stopping
  }

  private async doStop(opts: StopOptions): Promise<void> {
    if (!this.child) return // start() sees the stop request before it spawns
    if (this.running) {
      this.exitRequested = true
      const pid = this.child!.pid!
      try {
        process.kill(pid, opts.signal ?? this.spec.stopSignal ?? 'SIGTERM')
      } catch {
        // already gone
      }
      if (this.isPaused) this.debug?.(`[${pid}] stopping while paused: SIGCONT`)
      this.signalGroup('SIGCONT') // a stopped process only acts on the signal once continued
      this.isPaused = false
      const grace = opts.graceMs ?? this.spec.stopGraceMs ?? 5_000
      let timer: NodeJS.Timeout | undefined
      const graceOver = new Promise<'grace'>((resolve) => {
        timer = setTimeout(() => resolve('grace'), grace)
      })
      const result = await Promise.race([this.exitPromise, graceOver])
      clearTimeout(timer)
      if (result === 'grace') this.debug?.(`[${pid}] did not stop within ${grace} ms: SIGKILL`)
    }
    await this.killGroupAndForget()
  }

  /** SIGKILL to the whole process group: a crash. Resolves once the process has exited. */
  async kill(): Promise<void> {
    if (!this.child) return
    if (this.running) this.exitRequested = true
    await this.killGroupAndForget()
  }

  private async killGroupAndForget(): Promise<void> {
    const child = this.child
    // whatever is left in the group (worker processes of the server) goes too
    this.signalGroup('SIGKILL')
    await this.exitPromise
    this.signalGroup('SIGKILL')
    if (child?.pid && this.watchdog) await this.watchdog.unregisterProcessGroup(child.pid).catch(() => {})
  }

  /**
   * SIGSTOP to the process group: the server hangs, clients see timeouts. Resolves once every thread of
   * the group has stopped (bounded: `WaitTimeoutError` after 5 s).
   */
  async pause(): Promise<void> {
    if (!this.running) throw new InvalidOptionsError('pause', `'${this.name}' is not running`)
    this.signalGroup('SIGSTOP')
    this.isPaused = true
    // SIGSTOP stops each thread when it next runs: wait until none can answer a request any more
    await waitUntilGroupStopped(this.child!.pid!, this.name)
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

/** Creates and starts a {@link ServiceProcess}. */
export async function startService(spec: ServiceSpec): Promise<ServiceProcess> {
  return new ServiceProcess(spec).start()
}
