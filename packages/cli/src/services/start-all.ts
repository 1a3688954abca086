import { debugLogger, withTimeout } from '@infra/fixture-core'
import { MissingFixturePackageError } from '../errors.js'
import type { AnyServer } from './catalog.js'
import { mergeEnv } from './env-merge.js'
import type { ServiceRequest } from './request.js'

const debug = debugLogger('infra:cli')

/** Services started together: their merged env, and one `stop()` for all. */
export interface RunningServices {
  env: Record<string, string>
  services: { name: string; service: string; env: Record<string, string> }[]
  /** Each server's `connectionInfo` (pg, redis, …: what `connectX(info)` attaches to), by request name. */
  connectionInfo: Record<string, unknown>
  /** Stops every server (in parallel, each bounded by `stopTimeoutMs`); idempotent. */
  stop(): Promise<void>
}

export interface StartServicesOptions {
  /** Bound on each server's stop (default 30 s). */
  stopTimeoutMs?: number
}

/** Imports the fixture package of `request`; `MissingFixturePackageError` when it is not installed. */
export async function loadFixture(request: ServiceRequest): Promise<Record<string, unknown>> {
  try {
    return await request.kind.load()
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    // only the package itself missing (not a file inside it, nor one of its own dependencies)
    const missing = code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
    if (missing && (err as Error).message.includes(`'${request.kind.packageName}'`)) {
      throw new MissingFixturePackageError(request.name, request.kind.packageName, err)
    }
    throw err
  }
}

async function stopAll(servers: readonly { name: string; server: AnyServer }[], timeoutMs: number) {
  const results = await Promise.allSettled(
    servers.map(({ name, server }) => withTimeout(server.stop(), timeoutMs, `${name} to stop`)),
  )
  for (const r of results) if (r.status === 'rejected') process.stderr.write(`infra: ${r.reason}\n`)
}

/**
 * Starts every requested service (packages loaded first, so a missing one fails before anything
 * starts; then all servers in parallel). If any fails to start, the others are stopped and the first
 * error is thrown.
 */
export async function startServices(
  requests: readonly ServiceRequest[],
  options: StartServicesOptions = {},
): Promise<RunningServices> {
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000
  const modules: Record<string, unknown>[] = []
  for (const r of requests) modules.push(await loadFixture(r))
  const settled = await Promise.allSettled(
    requests.map(async (r, i) => {
      debug?.(`starting ${r.name} (${r.kind.packageName}) ${JSON.stringify(r.options)}`)
      return { name: r.name, server: await r.kind.start(modules[i]!, r.options) }
    }),
  )
  const up = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= stopAll(up, stopTimeoutMs)
    return stopping
  }
  if (failed) {
    await stop()
    throw failed.reason
  }
  try {
    const started = requests.map((request, i) => ({ request, env: up[i]!.server.env() }))
    return {
      env: mergeEnv(started),
      services: started.map(({ request, env }) => ({ name: request.name, service: request.kind.name, env })),
      connectionInfo: Object.fromEntries(
        up.map(({ name, server }) => [name, (server as { connectionInfo?: unknown }).connectionInfo]),
      ),
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}
