import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { formatEnv } from './commands/up.js'
import { main } from './main.js'
import { signalExitCode } from './signals.js'

function capture() {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation((s) => out.push(String(s)) > 0)
  vi.spyOn(process.stderr, 'write').mockImplementation((s) => err.push(String(s)) > 0)
  return { out: () => out.join(''), err: () => err.join('') }
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('main', () => {
  it('exits 2 with a clear message on an unknown service, command or flag', async () => {
    const io = capture()
    expect(await main(['up', 'postgress'])).toBe(2)
    expect(io.err()).toMatch(/UnknownServiceError: Unknown service 'postgress'. Did you mean 'postgres'/)
    expect(await main(['launch'])).toBe(2)
    expect(await main(['up', '--jsn', 'pg'])).toBe(2)
    expect(await main(['run', 'pg'])).toBe(2)
    expect(io.err()).toMatch(/needs a command after '--'/)
  })

  it('prints usage on --help', async () => {
    const io = capture()
    expect(await main(['--help'])).toBe(0)
    expect(io.out()).toMatch(/infra run \[services…\]/)
  })

  it('cache path/prune work on INFRA_CACHE_DIR', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-cli-cache-'))
    vi.stubEnv('INFRA_CACHE_DIR', dir)
    try {
      fs.writeFileSync(path.join(dir, 'blob'), Buffer.alloc(1024 * 1024))
      const io = capture()
      expect(await main(['cache', 'prune', '--dry-run'])).toBe(0)
      expect(io.out()).toContain(`would remove ${dir} (1.0 MB)`)
      expect(fs.existsSync(dir)).toBe(true)
      expect(await main(['cache', 'prune'])).toBe(0)
      expect(fs.existsSync(dir)).toBe(false)
      expect(await main(['cache', 'nuke'])).toBe(2)
    } finally {
      vi.unstubAllEnvs()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('formatEnv / signalExitCode', () => {
  it('quotes values a shell would read', () => {
    expect(formatEnv({ A: 'redis://:p@127.0.0.1:1', B: "it's $x" })).toBe(
      "A=redis://:p@127.0.0.1:1\nB='it'\\''s $x'",
    )
    expect(signalExitCode('SIGTERM')).toBe(143)
    expect(signalExitCode('SIGINT')).toBe(130)
  })
})
