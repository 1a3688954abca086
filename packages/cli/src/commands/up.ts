import type { ServiceRequest } from '../services/request.js'
import { startServices } from '../services/start-all.js'
import { catchSignals, signalExitCode } from '../signals.js'

/** `KEY=value` lines (single-quoted when the value has characters a shell would read). */
export function formatEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${/^[\w@%+=:,./-]*$/.test(v) ? v : `'${v.replaceAll("'", `'\\''`)}'`}`)
    .join('\n')
}

/**
 * `infra up`: starts the services, prints their env (or one JSON line with `--json`), and keeps them
 * up until SIGINT/SIGTERM/SIGHUP, then stops them all. Returns the exit code.
 */
export async function up(requests: readonly ServiceRequest[], opts: { json: boolean }): Promise<number> {
  const signals = catchSignals()
  try {
    const running = await startServices(requests)
    if (signals.received) {
      await running.stop()
      return signalExitCode(signals.received)
    }
    const out = opts.json
      ? JSON.stringify({ env: running.env, services: running.services })
      : formatEnv(running.env)
    process.stdout.write(`${out}\n`)
    process.stderr.write(
      `infra: up: ${running.services.map((s) => s.name).join(', ')} (Ctrl-C or SIGTERM stops them)\n`,
    )
    const signal = await signals.first
    process.stderr.write(`infra: ${signal}: stopping ${running.services.length} service(s)\n`)
    await running.stop()
    return 0
  } finally {
    signals.dispose()
  }
}
