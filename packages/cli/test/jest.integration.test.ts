import { spawn } from 'node:child_process'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { collect, PACKAGE_DIR } from './cli-process.js'

describe('Jest: globalSetup/globalTeardown + per-test isolation from @infra/cli/jest', () => {
  it('runs the jest project on real pg + redis, every test in its own database/namespace', async () => {
    const jest = path.join(PACKAGE_DIR, 'node_modules', '.bin', 'jest')
    const child = spawn(jest, ['--config', 'test/jest/jest.config.cjs', '--ci'], {
      cwd: PACKAGE_DIR,
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const r = await collect(child, 90_000)
    expect(r.stderr).toMatch(/Tests: +4 passed, 4 total/)
    expect(r.code).toBe(0)
  })
})
