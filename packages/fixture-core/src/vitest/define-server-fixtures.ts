import { type FixtureFunction, workerScoped } from '../lifecycle/fixture-scope.js'
import { serverGlobalSetup } from '../lifecycle/global-setups.js'
import { sharedServerFixture } from '../lifecycle/server-fixture.js'
import type { FixtureServer } from '../shape/fixture-server.js'

/** The part of vitest's `TestProject` a global setup needs (`project.provide(key, info)`). */
export interface ProvideTarget<Key extends string, Info> {
  provide(key: Key, value: Info): void
}

/** The isolated resource type of a server handle: what its `isolated()` resolves to. */
export type IsolatedOf<Server extends FixtureServer> = Awaited<ReturnType<Server['isolated']>>

export interface ServerFixturesSpec<
  Options extends object,
  Info,
  Server extends FixtureServer,
  Key extends string,
  ServerName extends string,
  IsolatedName extends string,
> {
  /** The `provide`/`inject` key, e.g. `'infraPg'` (declare it in vitest's `ProvidedContext`). */
  key: Key
  /** `() => inject(key)`: passed in so that fixture-core itself never imports vitest. */
  inject: () => Info | undefined
  /** How users call the two entry points, for messages: `postgresGlobalSetup()`, `createPgFixtures()`. */
  globalSetupName: string
  fixturesName: string
  /** The worker-scoped server fixture's name (`pgServer`) and the per-test isolated one's (`db`). */
  serverFixture: ServerName
  isolatedFixture: IsolatedName
  /** Starts a server (a worker's own, or the run's in the global setup). */
  start: (options: Options) => Promise<Server>
  /** The global setup's start, when it differs (e.g. no pool of its own). Default `start`. */
  startForRun?: (options: Options) => Promise<Server>
  /** What the global setup provides to workers (serialisable). */
  info: (server: Server) => Info | Promise<Info>
  /** A worker's handle on the provided server; it reports that server's provider. */
  attach: (info: Info, options: Options) => Server | Promise<Server>
  /** Option keys that still apply per worker with a global setup (a pool size, …); the rest then throw. */
  perWorkerOptions?: readonly (keyof Options & string)[]
}

/** What `fixtures(options)` returns: the worker-scoped server and the per-test isolated resource. */
export type ServerFixtureDefinitions<
  Server,
  Isolated,
  ServerName extends string,
  IsolatedName extends string,
> = { [S in ServerName]: FixtureFunction<Server> } & {
  [I in IsolatedName]: FixtureFunction<Isolated, { [S in ServerName]: Server }>
}

export interface ServerFixtures<
  Options extends object,
  Info,
  Server,
  Isolated,
  Key extends string,
  ServerName extends string,
  IsolatedName extends string,
> {
  /** A vitest global setup: one server for the run, its info provided to the workers, stopped at the end. */
  globalSetup(options?: Options): (project: ProvideTarget<Key, Info>) => Promise<() => Promise<void>>
  /**
   * `test.extend` fixtures: the worker-scoped server (the global setup's, or one per worker) and one isolated
   * resource per test, released after it. With a global setup, server options here throw `InvalidOptionsError`.
   */
  fixtures(options?: Options): ServerFixtureDefinitions<Server, Isolated, ServerName, IsolatedName>
}

/**
 * The vitest glue of every fixture package, from one description: the global setup, the `test.extend`
 * fixtures and the rule that server options belong to the global setup alone.
 *
 * ```ts
 * const glue = defineServerFixtures({
 *   key: 'infraEtcd', inject: () => inject('infraEtcd'),
 *   globalSetupName: 'etcdGlobalSetup()', fixturesName: 'createEtcdFixtures()',
 *   serverFixture: 'etcdServer', isolatedFixture: 'etcd',
 *   start: startEtcd, info: (s) => s.connectionInfo, attach: (info) => connectEtcd(info),
 * })
 * export const etcdGlobalSetup = glue.globalSetup
 * export const createEtcdFixtures = glue.fixtures
 * ```
 */
export function defineServerFixtures<
  Options extends object,
  Info,
  Server extends FixtureServer,
  Key extends string,
  ServerName extends string,
  IsolatedName extends string,
>(
  spec: ServerFixturesSpec<Options, Info, Server, Key, ServerName, IsolatedName>,
): ServerFixtures<Options, Info, Server, IsolatedOf<Server>, Key, ServerName, IsolatedName> {
  type Isolated = IsolatedOf<Server>
  return {
    globalSetup(options = {} as Options) {
      return serverGlobalSetup(
        () => (spec.startForRun ?? spec.start)(options),
        async (project: ProvideTarget<Key, Info>, server: Server) => {
          project.provide(spec.key, await spec.info(server))
        },
      )
    },
    fixtures(options = {} as Options) {
      const serverFixture = sharedServerFixture<Info, Server>({
        fixtures: spec.fixturesName,
        globalSetup: spec.globalSetupName,
        injected: spec.inject,
        attach: (info) => spec.attach(info, options),
        start: () => spec.start(options),
        serverOptions: options,
        perWorkerOptions: spec.perWorkerOptions,
      })
      const isolatedFixture = dependsOn<Isolated, { [S in ServerName]: Server }>(
        [spec.serverFixture],
        async (context, use) => {
          const resource = (await context[spec.serverFixture].isolated()) as Isolated
          try {
            await use(resource)
          } finally {
            await resource[Symbol.asyncDispose]()
          }
        },
      )
      return {
        [spec.serverFixture]: serverFixture,
        [spec.isolatedFixture]: isolatedFixture,
      } as ServerFixtureDefinitions<Server, Isolated, ServerName, IsolatedName>
    },
  }
}

/**
 * A fixture function whose dependencies are given by name. vitest reads a fixture's dependencies from the
 * destructuring pattern of its first parameter in the function's source text; a generic fixture cannot write
 * that pattern, so this one's `toString()` shows it.
 */
export function dependsOn<Value, Context extends object>(
  names: readonly (keyof Context & string)[],
  fn: FixtureFunction<Value, Context>,
): FixtureFunction<Value, Context> {
  const wrapped: FixtureFunction<Value, Context> = (context, use) => fn(context, use)
  const source = `async ({ ${names.join(', ')} }, use) => {}`
  Object.defineProperty(wrapped, 'toString', { value: () => source })
  return wrapped
}

export { workerScoped }
