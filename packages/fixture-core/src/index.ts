export { type BinarySpec, resolveBinary } from './binaries.js'
export { type BuildOnceOptions, buildOnce, cacheRoot, hashInputs } from './build-cache.js'
export { debugLogger, isDebugEnabled } from './debug-log.js'
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
export { acquireFileLock, type FileLock } from './file-lock.js'
export { type FixtureFunction, fileScoped, workerScoped } from './fixture-scope.js'
export {
  composeGlobalSetups,
  type GlobalSetup,
  type GlobalTeardown,
  type ProjectOf,
  serverGlobalSetup,
} from './global-setups.js'
export { lazyCallable } from './lazy-callable.js'
export { processGroupOwnsPort } from './port-owner.js'
export {
  getFreePort,
  getFreePorts,
  isPortFree,
  LOOPBACK,
  looksLikeAddressInUse,
  type PortRetryOptions,
  withPortRetry,
  withPortsRetry,
} from './ports.js'
export { chownRecursive, UNPRIVILEGED_USER, type UserIds, unprivilegedUser } from './privilege.js'
export { processStartTime, signalProcessGroup } from './process-identity.js'
export { type PollReadinessOptions, pollReadiness, type ReadinessOutcome } from './readiness.js'
export { LineRingBuffer } from './ring-buffer.js'
export { getRunDir, isPidAlive, reapStaleRunDirs, runsRoot } from './run-dir.js'
export {
  type FixtureNames,
  rejectServerOptions,
  type SharedServerFixtureSpec,
  sharedServerFixture,
} from './server-fixture.js'
export {
  type ExitInfo,
  type ReadyContext,
  ServiceProcess,
  type ServiceSpec,
  type StopOptions,
  startService,
} from './service-process.js'
export { validateSpec } from './service-spec.js'
export { FixtureLifecycle, type FixtureServer, type Provider } from './shape/fixture-server.js'
export { check, checkOptions, nearestKey, type OptionCheck, type OptionSchema } from './shape/options.js'
export { createTempDir, type TempDir } from './temp-dir.js'
export { type WaitForOptions, waitFor, withTimeout } from './wait.js'
export { getWatchdog, WatchdogClient } from './watchdog.js'
