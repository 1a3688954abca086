import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { cacheRoot } from '@infra/fixture-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { infra, PACKAGE_DIR } from './cli-process.js'

// A venv (seeing the system's pytest) with psycopg and redis from PyPI, made once under the fixtures'
// cache (`infra cache prune` removes it); bounded by execFileSync's timeout.
const VENV = path.join(cacheRoot(), 'cli-pytest-venv')
const PYTHON = path.join(VENV, 'bin', 'python')

function ensureVenv(): void {
  const ready = path.join(VENV, '.ready')
  if (fs.existsSync(ready)) return
  fs.rmSync(VENV, { recursive: true, force: true })
  execFileSync('python3', ['-m', 'venv', '--system-site-packages', VENV], { timeout: 60_000 })
  execFileSync(
    PYTHON,
    ['-m', 'pip', 'install', '-q', '--disable-pip-version-check', 'psycopg[binary]', 'redis'],
    {
      timeout: 120_000,
    },
  )
  fs.writeFileSync(ready, '')
}

describe('a Python (pytest) suite under infra run', () => {
  beforeAll(ensureVenv, 180_000)

  it('reads DATABASE_URL/REDIS_URL, talks to both servers, and its exit code comes back', async () => {
    const r = await infra(
      ['run', 'pg', 'redis', '--', PYTHON, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test/python'],
      {
        cwd: PACKAGE_DIR,
        timeoutMs: 90_000,
      },
    ).done
    expect(r.stdout).toMatch(/\b3 passed\b/)
    expect(r.code).toBe(0)
  })

  it('a failing pytest run fails infra run with pytest’s code', async () => {
    const r = await infra(
      ['run', 'redis', '--', PYTHON, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'test/python'],
      {
        cwd: PACKAGE_DIR,
        timeoutMs: 90_000,
      },
    ).done
    // no pg: DATABASE_URL is unset, so the two pg tests fail (KeyError) and redis passes
    expect(r.stdout).toMatch(/\b2 failed, 1 passed\b/)
    expect(r.code).toBe(1)
  })
})
