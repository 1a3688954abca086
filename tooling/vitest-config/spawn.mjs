// Test helper: run a nested `vitest run` (e.g. to exercise a globalSetup end to end).
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const vitestBin = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs')

/**
 * Spawns `vitest run --config <config> --reporter=dot` in `cwd`, in its own process group
 * (end it with `process.kill(-child.pid, signal)`), without the outer run's worker env.
 */
export function spawnVitest(config, env = {}, cwd = process.cwd()) {
  const childEnv = { ...process.env, NODE_OPTIONS: '', ...env }
  delete childEnv.VITEST
  delete childEnv.VITEST_POOL_ID
  delete childEnv.VITEST_WORKER_ID
  return spawn(process.execPath, [vitestBin, 'run', '--config', config, '--reporter=dot'], {
    cwd,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
}

/**
 * Runs a nested vitest to its end; its whole process group is SIGKILLed after `timeoutMs`.
 * Resolves with the exit code and the combined stdout + stderr.
 */
export function runVitest(config, { env, cwd, timeoutMs }) {
  const child = spawnVitest(config, env, cwd)
  let output = ''
  const collect = (chunk) => {
    output += chunk
  }
  child.stdout.setEncoding('utf8').on('data', collect)
  child.stderr.setEncoding('utf8').on('data', collect)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), timeoutMs)
    child.once('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      resolve({ code, output })
    })
  })
}
