import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { runVitest } from '@infra/vitest-config/spawn'
import { describe, expect, it } from 'vitest'

const pkg = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')

describe('wsGlobalSetup in a real vitest run', () => {
  it('composes with another setup, provides the shared URL, and rejects conflicting options', async () => {
    const { code, output } = await runVitest('test/global-setup/vitest.config.ts', {
      cwd: pkg,
      timeoutMs: 50_000,
    })
    expect(code, output).toBe(0)
    expect(output).toMatch(/2 passed/)
  })
})
