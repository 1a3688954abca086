import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('wsGlobalSetup in a real vitest run', () => {
  it('composes with another setup, provides the shared URL, and rejects conflicting options', async () => {
    const require = createRequire(import.meta.url)
    const vitestBin = path.join(path.dirname(require.resolve('vitest/package.json')), 'vitest.mjs')
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '' }
    delete env.VITEST
    delete env.VITEST_POOL_ID
    delete env.VITEST_WORKER_ID
    const child = spawn(
      process.execPath,
      [vitestBin, 'run', '--config', 'test/global-setup/vitest.config.ts'],
      {
        cwd: pkg,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    )
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      output += c
    })
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      output += c
    })
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 50_000)
      child.once('exit', (c) => {
        clearTimeout(timer)
        resolve(c)
      })
    })
    expect(code, output).toBe(0)
    expect(output).toMatch(/2 passed/)
  })
})
