// Programmatic API of the `infra` command (for tools that want its services without a child process).
export {
  BinaryNotFoundError,
  EnvironmentError,
  FixtureError,
  InvalidOptionsError,
  StartupTimeoutError,
  WaitTimeoutError,
} from '@infra/fixture-core'
export { type DoctorRow, diagnose } from './commands/doctor.js'
export { formatEnv } from './commands/up.js'
export { CONFIG_FILE, type InfraConfig, loadConfig, parseConfig } from './config/load.js'
export { MissingFixturePackageError, UnknownServiceError, UsageError } from './errors.js'
export { main } from './main.js'
export { SERVICES, type ServiceKind } from './services/catalog.js'
export { mergeEnv } from './services/env-merge.js'
export { findKind, parseServiceArg, type ServiceRequest } from './services/request.js'
export { type RunningServices, type StartServicesOptions, startServices } from './services/start-all.js'
