// The surface a fixture author needs. Test-runner glue: `@infra/fixture-core/vitest`.
export {
  type BuildOnceOptions,
  buildOnce,
  cacheRoot,
  clearCacheHint,
  hashInputs,
} from './cache/build-cache.js'
export { debugLogger } from './debug-log.js'
export { copyDataDir } from './dirs/copy-dir.js'
export {
  createServerDir,
  dirBytes,
  freeBytes,
  isWritableTmpfs,
  killServerFromPidFile,
  type ServerDirBaseOptions,
  type ServerDirOptions,
  serverDirBase,
} from './dirs/owned-dir.js'
export { reapStaleRunDirs } from './dirs/reap.js'
export { getRunDir, isPidAlive } from './dirs/run-dir.js'
export { ensureSafeDir, perUserName, privateDirMode, type SafeDirOptions } from './dirs/safe-dir.js'
export { createTempDir, type TempDir } from './dirs/temp-dir.js'
export {
  BinaryNotFoundError,
  EnvironmentError,
  FixtureError,
  type FixtureState,
  FixtureStateError,
  InvalidOptionsError,
  PortInUseError,
  ProcessExitedError,
  StartupTimeoutError,
  UnsupportedOperationError,
  WaitTimeoutError,
} from './errors.js'
export {
  composeGlobalSetups,
  type GlobalSetup,
  type GlobalTeardown,
  type ProjectOf,
} from './lifecycle/global-setups.js'
export { lazyCallable } from './lifecycle/lazy-callable.js'
export { ReadyPool } from './lifecycle/ready-pool.js'
export { rejectServerOptions } from './lifecycle/server-fixture.js'
export { listeningAddresses } from './ports/port-owner.js'
export {
  getFreePort,
  getFreePorts,
  LOOPBACK,
  type PortRetryOptions,
  withPortRetry,
  withPortsRetry,
} from './ports/ports.js'
export { type BinarySpec, resolveBinary } from './process/binaries.js'
export { waitUntilStopped } from './process/group-stop.js'
export { chownRecursive, UNPRIVILEGED_USER, type UserIds, unprivilegedUser } from './process/privilege.js'
export { processStartTime } from './process/process-identity.js'
export {
  type ExitInfo,
  type ReadyContext,
  ServiceProcess,
  type ServiceSpec,
  type StopOptions,
  startService,
} from './process/service-process.js'
export { FixtureLifecycle, type FixtureServer, type Provider } from './shape/fixture-server.js'
export { check, checkOptions, type OptionCheck, type OptionSchema } from './shape/options.js'
export { type WaitForOptions, waitFor, withTimeout } from './wait.js'
export { getWatchdog, type WatchdogClient } from './watchdog/watchdog.js'
