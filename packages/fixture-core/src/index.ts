export { type BuildOnceOptions, buildOnce, cacheRoot, hashInputs } from './cache/build-cache.js'
export { acquireFileLock, type FileLock } from './cache/file-lock.js'
export { debugLogger, isDebugEnabled } from './debug-log.js'
export { reapStaleRunDirs } from './dirs/reap.js'
export { getRunDir, isPidAlive, runsRoot } from './dirs/run-dir.js'
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
export { type FixtureFunction, fileScoped, workerScoped } from './lifecycle/fixture-scope.js'
export {
  composeGlobalSetups,
  type GlobalSetup,
  type GlobalTeardown,
  type ProjectOf,
  serverGlobalSetup,
} from './lifecycle/global-setups.js'
export { lazyCallable } from './lifecycle/lazy-callable.js'
export {
  type FixtureNames,
  rejectServerOptions,
  type SharedServerFixtureSpec,
  sharedServerFixture,
} from './lifecycle/server-fixture.js'
export { processGroupOwnsPort } from './ports/port-owner.js'
export {
  getFreePort,
  getFreePorts,
  isPortFree,
  LOOPBACK,
  looksLikeAddressInUse,
  type PortRetryOptions,
  withPortRetry,
  withPortsRetry,
} from './ports/ports.js'
export { type BinarySpec, resolveBinary } from './process/binaries.js'
export { chownRecursive, UNPRIVILEGED_USER, type UserIds, unprivilegedUser } from './process/privilege.js'
export { processStartTime, signalProcessGroup } from './process/process-identity.js'
export { type PollReadinessOptions, pollReadiness, type ReadinessOutcome } from './process/readiness.js'
export { LineRingBuffer } from './process/ring-buffer.js'
export {
  type ExitInfo,
  type ReadyContext,
  ServiceProcess,
  type ServiceSpec,
  type StopOptions,
  startService,
} from './process/service-process.js'
export { validateSpec } from './process/service-spec.js'
export { FixtureLifecycle, type FixtureServer, type Provider } from './shape/fixture-server.js'
export { check, checkOptions, nearestKey, type OptionCheck, type OptionSchema } from './shape/options.js'
export { type WaitForOptions, waitFor, withTimeout } from './wait.js'
export { getWatchdog, WatchdogClient } from './watchdog/watchdog.js'
