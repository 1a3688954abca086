import { InvalidOptionsError } from '../errors.js'

/** What a vitest global setup may return: a teardown, or nothing. */
export type GlobalTeardown = () => unknown

/**
 * A vitest global setup as a plain function: `(project) => teardown`, where the teardown (or a promise of
 * it) may be missing. No vitest types are involved, so any `project` shape works (each `<x>GlobalSetup` asks
 * only for `provide`).
 */
export type GlobalSetup<Project> = (project: Project) => unknown

/** The `project` every one of `Setups` can work with: the intersection of what each asks for. */
export type ProjectOf<Setups extends readonly GlobalSetup<never>[]> = {
  [I in keyof Setups]: (project: Setups[I] extends (project: infer P) => unknown ? P : unknown) => void
}[number] extends (project: infer Project) => void
  ? Project
  : never

/**
 * One global setup made of several: starts them one after the other with the same `project`, and returns a
 * teardown that runs theirs in reverse order. When one fails, the ones already started are torn down (in
 * reverse order) before its error is rethrown, so no server outlives a failed start.
 *
 * ```ts
 * // vitest.global-setup.ts
 * export default composeGlobalSetups(
 *   postgresGlobalSetup({ migrations: './migrations' }),
 *   redisGlobalSetup(),
 * )
 * ```
 *
 * A teardown that throws does not keep the others from running; the error is rethrown after all of them ran
 * (an `AggregateError` when several failed).
 */
export function composeGlobalSetups<Setups extends GlobalSetup<never>[]>(
  ...setups: Setups
): (project: ProjectOf<Setups>) => Promise<() => Promise<void>> {
  setups.forEach((setup, i) => {
    if (typeof setup !== 'function') {
      throw new InvalidOptionsError(
        `setups[${i}]`,
        `expected a global setup function \`(project) => teardown\`, got ${typeof setup}`,
      )
    }
  })
  return async function composedGlobalSetup(project: ProjectOf<Setups>) {
    const teardowns: GlobalTeardown[] = []
    for (const [i, setup] of setups.entries()) {
      try {
        const teardown = await (setup as GlobalSetup<ProjectOf<Setups>>)(project)
        if (typeof teardown === 'function') teardowns.push(teardown as GlobalTeardown)
      } catch (error) {
        const cleanupErrors = await runInReverse(teardowns)
        if (cleanupErrors.length === 0) throw error
        throw new AggregateError(
          [error, ...cleanupErrors],
          `global setup ${i + 1} of ${setups.length} failed, and tearing down the ${teardowns.length} ` +
            'started before it failed too',
        )
      }
    }
    let done: Promise<void> | undefined
    return () => {
      done ??= runInReverse(teardowns).then((errors) => {
        if (errors.length === 1) throw errors[0]
        if (errors.length > 1) throw new AggregateError(errors, `${errors.length} global teardowns failed`)
      })
      return done
    }
  }
}

/** Runs every teardown, last first, and returns what they threw. */
async function runInReverse(teardowns: readonly GlobalTeardown[]): Promise<unknown[]> {
  const errors: unknown[] = []
  for (const teardown of [...teardowns].reverse()) {
    try {
      await teardown()
    } catch (error) {
      errors.push(error)
    }
  }
  return errors
}

/**
 * The `<x>GlobalSetup` every package has: `start()` one server for the run, `provide` its connection info to
 * the workers (`project.provide(KEY, info)`), and return the teardown that stops it. When `provide` throws,
 * the server is stopped before the error is rethrown.
 */
export function serverGlobalSetup<Project, Server extends { stop(): Promise<void> }>(
  start: () => Promise<Server>,
  provide: (project: Project, server: Server) => void | Promise<void>,
): (project: Project) => Promise<() => Promise<void>> {
  return async function setup(project: Project) {
    const server = await start()
    try {
      await provide(project, server)
    } catch (err) {
      await server.stop()
      throw err
    }
    return () => server.stop()
  }
}
