// Jest glue for the services of `infra up`: globalSetup/globalTeardown and per-test isolation.
export { globalSetup, globalTeardown, infoEnvName } from './jest/global.js'
export { isolatedPostgres, isolatedRedis } from './jest/per-test.js'
