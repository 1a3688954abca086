/** Base class of every error thrown by @infra fixtures. `code` is stable and machine-readable. */
export class FixtureError extends Error {
  readonly code: string
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

function formatLogs(logs: readonly string[] | undefined, max = 50): string {
  if (!logs || logs.length === 0) return '  (no output)'
  return logs
    .slice(-max)
    .map((l) => `  | ${l}`)
    .join('\n')
}

/** A server binary could not be found. Says where it looked and how to get it. */
export class BinaryNotFoundError extends FixtureError {
  readonly binary: string
  readonly envVar: string | undefined
  readonly installHint: string
  readonly searched: readonly string[]
  constructor(binary: string, opts: { envVar?: string; installHint: string; searched: readonly string[] }) {
    const env = opts.envVar ? `set ${opts.envVar}=/path/to/${binary}, or ` : ''
    super(
      'BINARY_NOT_FOUND',
      `Cannot find the '${binary}' binary. To fix: ${env}${opts.installHint}.\n` +
        `Searched:\n${opts.searched.map((s) => `  - ${s}`).join('\n') || '  (nothing)'}`,
    )
    this.binary = binary
    this.envVar = opts.envVar
    this.installHint = opts.installHint
    this.searched = opts.searched
  }
}

/** A wait ran out of time. `what` says what was awaited. */
export class WaitTimeoutError extends FixtureError {
  readonly what: string
  readonly timeoutMs: number
  constructor(
    what: string,
    timeoutMs: number,
    options?: { cause?: unknown; detail?: string; code?: string },
  ) {
    const detail = options?.detail ? `\n${options.detail}` : ''
    const cause = options?.cause instanceof Error ? `\nLast probe error: ${options.cause.message}` : ''
    super(
      options?.code ?? 'WAIT_TIMEOUT',
      `Timed out after ${timeoutMs} ms waiting for ${what}.${cause}${detail}`,
      {
        cause: options?.cause,
      },
    )
    this.what = what
    this.timeoutMs = timeoutMs
  }
}

/** A server did not become ready in time. Carries its last log lines. */
export class StartupTimeoutError extends WaitTimeoutError {
  readonly service: string
  readonly logs: readonly string[]
  constructor(service: string, what: string, timeoutMs: number, logs: readonly string[], cause?: unknown) {
    super(what, timeoutMs, {
      cause,
      code: 'STARTUP_TIMEOUT',
      detail:
        `The '${service}' process is still running but never answered. Raise the fixture's startTimeoutMs option if the machine is slow, ` +
        `or read its last output:\n${formatLogs(logs)}`,
    })
    this.service = service
    this.logs = logs
  }
}

/** A server process exited while it was expected to run (during start, or a probe saw it go). */
export class ProcessExitedError extends FixtureError {
  readonly service: string
  readonly exitCode: number | null
  readonly signal: NodeJS.Signals | null
  readonly logs: readonly string[]
  constructor(
    service: string,
    exit: { code: number | null; signal: NodeJS.Signals | null },
    logs: readonly string[],
    phase = 'during start',
  ) {
    const how = exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`
    super(
      'PROCESS_EXITED',
      `The '${service}' process exited ${phase} (${how}). Its last output:\n${formatLogs(logs)}`,
    )
    this.service = service
    this.exitCode = exit.code
    this.signal = exit.signal
    this.logs = logs
  }
}

/** The chosen port was taken by someone else between choosing and binding. Retried automatically by the port helpers. */
export class PortInUseError extends FixtureError {
  readonly port: number | undefined
  constructor(port: number | undefined, detail?: string) {
    super(
      'PORT_IN_USE',
      `Port ${port ?? '(unknown)'} is already in use. The port helpers retry with a new port; if you passed a fixed port, pick another or omit it.${detail ? `\n${detail}` : ''}`,
    )
    this.port = port
  }
}

/** Options were rejected before anything started. */
export class InvalidOptionsError extends FixtureError {
  readonly option: string
  constructor(option: string, reason: string) {
    super('INVALID_OPTIONS', `Invalid option '${option}': ${reason}`)
    this.option = option
  }
}

/** A server-side or environment precondition (e.g. Java missing, not root for a user switch) failed. */
export class EnvironmentError extends FixtureError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ENVIRONMENT', message, options)
  }
}

/** The states a fixture handle goes through. */
export type FixtureState = 'starting' | 'running' | 'stopping' | 'stopped'

/** An operation was called on a handle whose state does not allow it, e.g. `restart()` after `stop()`. */
export class FixtureStateError extends FixtureError {
  readonly service: string
  readonly operation: string
  readonly state: FixtureState
  constructor(service: string, operation: string, state: FixtureState) {
    super(
      'FIXTURE_STATE',
      `Cannot ${operation}() the ${service} fixture: it is ${state}. Start a new one (stop() ends a handle for good).`,
    )
    this.service = service
    this.operation = operation
    this.state = state
  }
}

/** The operation does not exist for this provider, e.g. `kill()` on a server the fixture did not start. */
export class UnsupportedOperationError extends FixtureError {
  readonly service: string
  readonly operation: string
  readonly provider: string
  constructor(service: string, operation: string, provider: string, reason?: string) {
    super(
      'UNSUPPORTED_OPERATION',
      `${operation}() is not available on a ${provider} ${service} fixture${reason ? `: ${reason}` : ''}.`,
    )
    this.service = service
    this.operation = operation
    this.provider = provider
  }
}
