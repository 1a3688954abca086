import { InvalidOptionsError } from '../errors.js'
import { type FixtureFunction, workerScoped } from './fixture-scope.js'

/** Names for messages, as the user writes them: `createPgFixtures()` / `postgresGlobalSetup()`. */
export interface FixtureNames {
  fixtures: string
  globalSetup: string
  /** What to do instead; default: give the options to the global setup only, or drop it. */
  remedy?: string
}

/**
 * The one rule for fixture options when a global setup provides the server: the server's options belong to
 * the global setup alone. Throws `InvalidOptionsError` naming the first option (with a value) in `options`
 * that is not in `allowed` (options that still apply per worker, like a pool size).
 */
export function rejectServerOptions(
  options: object,
  names: FixtureNames,
  allowed: readonly string[] = [],
): void {
  const given = Object.entries(options)
    .filter(([key, value]) => value !== undefined && !allowed.includes(key))
    .map(([key]) => key)
  if (given.length === 0) return
  const perWorker = allowed.length > 0 ? ` (options that apply per worker: ${allowed.join(', ')})` : ''
  const remedy =
    names.remedy ??
    `Give them to ${names.globalSetup} only${perWorker}, or drop the global setup to start a server per worker.`
  throw new InvalidOptionsError(
    given[0]!,
    `${names.fixtures} got ${given.map((k) => `'${k}'`).join(', ')}, but ${names.globalSetup} provides ` +
      `this run's server, so these options would not apply. ${remedy}`,
  )
}

export interface SharedServerFixtureSpec<Info, Server> extends FixtureNames {
  /** What the global setup provided (`() => inject(KEY)`), or `undefined` when there is none. */
  injected: () => Info | undefined
  /** A handle on the provided server (stopped after the worker: releases what this worker created). */
  attach: (info: Info) => Server | Promise<Server>
  /** Starts this worker's own server when there is no global setup. */
  start: () => Promise<Server>
  /** The options `start` uses: with a global setup they must be empty (see {@link rejectServerOptions}). */
  serverOptions: object
  /** Keys of `serverOptions` that apply to `attach` too. */
  perWorkerOptions?: readonly string[]
}

/**
 * The worker-scoped server fixture every package has: the global setup's server when one provided it (its
 * options only: fixture options for the server throw `InvalidOptionsError`), else a server started for this
 * worker; stopped when the worker ends.
 */
export function sharedServerFixture<Info, Server extends { stop(): Promise<void> }>(
  spec: SharedServerFixtureSpec<Info, Server>,
): FixtureFunction<Server> {
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  return workerScoped<Server>(async ({}, use) => {
    const info = spec.injected()
    if (info !== undefined) rejectServerOptions(spec.serverOptions, spec, spec.perWorkerOptions)
    const server = info !== undefined ? await spec.attach(info) : await spec.start()
    try {
      await use(server)
    } finally {
      await server.stop()
    }
  })
}
