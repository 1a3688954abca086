// A Jest project on the services of `infra up`: one pg + one redis for the run, a database and a Redis
// namespace per test. Run by ../jest.integration.test.ts with the real jest binary.
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/*.test.cjs'],
  globalSetup: '<rootDir>/global-setup.cjs',
  globalTeardown: '<rootDir>/global-teardown.cjs',
  maxWorkers: 2,
  testTimeout: 30_000,
}
