// The cached migrated template checks itself: a truncated table file (which made the next start
// succeed with 0 rows instead of 1000) or a deleted file is found on the next run's first use,
// reported, and rebuilt. Each run is its own process, as the next test run would be.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, expect, it } from 'vitest'

const run = promisify(execFile)
const runner = fileURLToPath(new URL('../../test/cache-runner.mjs', import.meta.url))
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-cache-verify-'))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

async function oneRun(env: NodeJS.ProcessEnv) {
  const { stdout, stderr } = await run(process.execPath, [runner], { env, timeout: 90_000 })
  return { ...(JSON.parse(stdout.trim().split('\n').at(-1)!) as { rows: number; file: string }), stderr }
}

it('a damaged cached template is found, reported and rebuilt by the next run', {
  timeout: 240_000,
}, async () => {
  const migrations = path.join(work, 'migrations')
  fs.mkdirSync(migrations)
  // a unique table name per test run: its own cache entry, so damaging it touches nobody else
  fs.writeFileSync(
    path.join(migrations, '001.sql'),
    `-- ${path.basename(work)}\nCREATE TABLE items AS SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 1000) g;\n`,
  )
  const env: NodeJS.ProcessEnv = { ...process.env, MIGRATIONS_DIR: migrations }
  delete env.INFRA_RUN_DIR
  delete env.INFRA_WATCHDOG_SOCKET
  const first = await oneRun(env)
  expect(first.rows).toBe(1000)
  const cacheRoot = process.env.INFRA_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'infra-fixtures')
  const candidates = [cacheRoot, path.join(os.tmpdir(), `infra-fixtures-cache-${process.getuid?.()}`)]
  // the template entry holding this migration: the newest pg-template entry whose data has the file
  const entries = candidates
    .map((root) => path.join(root, 'pg-template'))
    .filter((d) => fs.existsSync(d))
    .flatMap((d) => fs.readdirSync(d).map((n) => path.join(d, n)))
    .filter((d) => /\/[0-9a-f]{20}$/.test(d))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
  const entry = entries[0]!
  const tableFile = path.join(entry, 'data', first.file)
  expect(fs.statSync(tableFile).size).toBeGreaterThan(0)

  fs.truncateSync(tableFile, 0)
  const second = await oneRun(env)
  expect(second.rows).toBe(1000)
  expect(second.stderr).toContain('InfraCacheWarning')
  expect(second.stderr).toContain('bytes instead of')

  fs.rmSync(path.join(entry, 'data', 'PG_VERSION'))
  const third = await oneRun(env)
  expect(third.rows).toBe(1000)
  expect(third.stderr).toContain('PG_VERSION is missing')
})
