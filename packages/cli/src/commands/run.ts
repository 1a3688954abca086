import { spawn } from 'node:child_process'
import type { ServiceRequest } from '../services/request.js'
import { startServices } from '../services/start-all.js'
import { catchSignals, signalExitCode } from '../signals.js'

/** Runs `command` with `env` added; forwards `forward`'s signals to it; resolves with its exit code. */
function runChild(
  command: readonly string[],
  env: Record<string, string>,
  onSignal: (forward: (s: NodeJS.Signals) => void) => void,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: 'inherit', env: { ...process.env, ...env } })
    onSignal((s) => child.kill(s))
    child.once('error', (err: NodeJS.ErrnoException) => {
      process.stderr.write(`infra: cannot run '${command[0]}': ${err.message}\n`)
      resolve(err.code === 'ENOENT' ? 127 : 126)
    })
    child.once('exit', (code, signal) => resolve(code ?? signalExitCode(signal ?? 'SIGKILL')))
  })
}

/**
 * `infra run <services> -- <command>`: starts the services, runs the command with their env, stops
 * the services, and returns the command's exit code (128+n when a signal killed it). SIGINT/SIGTERM/
 * SIGHUP are forwarded to the command; the services stop once it has exited.
 */
export async function run(requests: readonly ServiceRequest[], command: readonly string[]): Promise<number> {
  let forward: ((s: NodeJS.Signals) => void) | undefined
  const signals = catchSignals((s) => forward?.(s))
  try {
    const running = await startServices(requests)
    try {
      if (signals.received) return signalExitCode(signals.received)
      return await runChild(command, running.env, (f) => {
        forward = f
      })
    } finally {
      forward = undefined
      await running.stop()
    }
  } finally {
    signals.dispose()
  }
}
