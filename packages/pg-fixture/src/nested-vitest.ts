import { type ChildProcess, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'

/** Test helper: spawns `vitest run --config <config>` in its own process group. */
export function spawnVitest(config: string, env: Record<string, string>, cwd: string): ChildProcess {
  const require = createRequire(import.meta.url)
  const bin = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs')
  return spawn(process.execPath, [bin, 'run', '--config', config, '--reporter=dot'], {
    cwd,
    env: { ...process.env, ...env, NODE_OPTIONS: '', VITEST_POOL_ID: undefined, VITEST_WORKER_ID: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
}
