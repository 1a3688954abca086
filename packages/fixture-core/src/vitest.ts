// @infra/fixture-core/vitest: the test-runner glue every fixture package's `./vitest` subpath is built from.

export { type FixtureFunction, fileScoped, workerScoped } from './lifecycle/fixture-scope.js'
export {
  composeGlobalSetups,
  type GlobalSetup,
  type GlobalTeardown,
  type ProjectOf,
  serverGlobalSetup,
} from './lifecycle/global-setups.js'
export { lazyCallable } from './lifecycle/lazy-callable.js'
export { type FixtureNames, rejectServerOptions, sharedServerFixture } from './lifecycle/server-fixture.js'
export {
  defineServerFixtures,
  dependsOn,
  type ProvideTarget,
  type ServerFixtureDefinitions,
  type ServerFixtures,
  type ServerFixturesSpec,
} from './vitest/define-server-fixtures.js'
