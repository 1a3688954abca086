import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { buildOnce, hashInputs } from './build-cache.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-cache-unit-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('hashInputs', () => {
  it('ignores key order and changes with any input', () => {
    expect(hashInputs({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(hashInputs({ b: [1, { d: 3, c: 2 }], a: 1 }))
    expect(hashInputs({ a: 1 })).not.toBe(hashInputs({ a: 2 }))
    expect(hashInputs({ a: 1 })).toMatch(/^[0-9a-f]{20}$/)
  })
})

describe('buildOnce', () => {
  it('builds once, then serves the cached artifact', async () => {
    let builds = 0
    const opts = {
      root,
      kind: 'unit',
      inputs: { v: 1 },
      build: async (dir: string) => {
        builds++
        fs.writeFileSync(path.join(dir, 'out'), 'done')
      },
    }
    const first = await buildOnce(opts)
    const second = await buildOnce(opts)
    expect(second).toBe(first)
    expect(builds).toBe(1)
    expect(fs.readFileSync(path.join(first, 'out'), 'utf8')).toBe('done')
  })

  it('caches nothing when the build throws, and clears half-built leftovers of dead builders', async () => {
    const inputs = { v: 'broken' }
    const key = hashInputs(inputs)
    const leftover = path.join(root, 'unit', `${key}.tmp-999999-abcd`)
    fs.mkdirSync(leftover, { recursive: true })
    await expect(
      buildOnce({
        root,
        kind: 'unit',
        inputs,
        build: async () => {
          throw new Error('initdb failed')
        },
      }),
    ).rejects.toThrow('initdb failed')
    expect(fs.readdirSync(path.join(root, 'unit')).filter((n) => n.startsWith(key))).toEqual([])
  })

  it('verifies an entry against its manifest: truncated, deleted or added files make it rebuild, with a warning', async () => {
    let builds = 0
    const opts = {
      root,
      kind: 'verify',
      inputs: { v: 1 },
      build: async (dir: string) => {
        builds++
        fs.mkdirSync(path.join(dir, 'base'))
        fs.writeFileSync(path.join(dir, 'base', 'table'), 'x'.repeat(100_000))
        fs.writeFileSync(path.join(dir, 'small'), 'abc')
      },
    }
    const entry = await buildOnce(opts)
    const damage = [
      () => fs.truncateSync(path.join(entry, 'base', 'table'), 0), // the 0-rows-instead-of-1000 case
      () => fs.rmSync(path.join(entry, 'small')), // ENOENT on every later run
      () => fs.writeFileSync(path.join(entry, 'small'), 'abd'), // same size, other content
      () => fs.writeFileSync(path.join(entry, 'planted'), '#!/bin/sh'),
      () => fs.rmSync(path.join(entry, '.infra-cache-complete')), // never finished
    ]
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {})
    try {
      for (const [i, damageIt] of damage.entries()) {
        damageIt()
        // a new process verifies on first use: simulate by asking with fresh module state
        vi.resetModules()
        const fresh = (await import('./build-cache.js')).buildOnce
        expect(await fresh(opts)).toBe(entry)
        expect(builds).toBe(i + 2)
        expect(fs.statSync(path.join(entry, 'base', 'table')).size).toBe(100_000)
        expect(fs.readFileSync(path.join(entry, 'small'), 'utf8')).toBe('abc')
        expect(fs.existsSync(path.join(entry, 'planted'))).toBe(false)
      }
      expect(warn).toHaveBeenCalledTimes(damage.length)
      expect(String(warn.mock.calls[0]![0])).toContain(
        `${entry} is damaged (base/table has 0 bytes instead of 100000)`,
      )
    } finally {
      warn.mockRestore()
    }
    expect(fs.readdirSync(path.join(root, 'verify'))).toEqual([path.basename(entry)])
  })

  it('prunes half-built dirs of other keys whose builder is dead, or that are older than a day', async () => {
    const kindDir = path.join(root, 'prune')
    fs.mkdirSync(kindDir, { recursive: true })
    const deadBuilder = path.join(kindDir, 'aaaa.tmp-999999-0001')
    const oldLive = path.join(kindDir, `bbbb.tmp-${process.pid}-0002`)
    const freshLive = path.join(kindDir, `cccc.tmp-${process.pid}-0003`)
    for (const d of [deadBuilder, oldLive, freshLive]) fs.mkdirSync(d)
    const dayAgo = new Date(Date.now() - 25 * 3600_000)
    fs.utimesSync(oldLive, dayAgo, dayAgo)
    await buildOnce({ root, kind: 'prune', inputs: 1, build: async () => {} })
    expect(fs.existsSync(deadBuilder)).toBe(false)
    expect(fs.existsSync(oldLive)).toBe(false)
    expect(fs.existsSync(freshLive)).toBe(true)
  })

  it('with pruneUnusedAfterMs, a new entry removes the entries of its kind unused that long; a use keeps one', async () => {
    const build = async (dir: string) => fs.writeFileSync(path.join(dir, 'archive'), 'x')
    const opts = { root, kind: 'unused', build, pruneUnusedAfterMs: 7 * 24 * 3600_000 }
    const stale = await buildOnce({ ...opts, inputs: 'stale' })
    const used = await buildOnce({ ...opts, inputs: 'used' })
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600_000)
    for (const e of [stale, used]) fs.utimesSync(e, weekAgo, weekAgo)
    // another process's first use of an entry refreshes it (this process already verified it: simulate)
    fs.utimesSync(used, new Date(), new Date())
    const fresh = await buildOnce({ ...opts, inputs: 'new flags' })
    expect(fs.existsSync(fresh)).toBe(true)
    expect(fs.existsSync(used)).toBe(true)
    expect(fs.existsSync(stale)).toBe(false)
    expect(fs.readdirSync(path.join(root, 'unused')).filter((n) => !n.endsWith('.lock'))).toHaveLength(2)
  })

  it('marks an entry used when a process first verifies it', async () => {
    const kind = 'marked'
    const entry = await buildOnce({ root, kind, inputs: 1, build: async () => {} })
    const weekAgo = new Date(Date.now() - 8 * 24 * 3600_000)
    fs.utimesSync(entry, weekAgo, weekAgo)
    vi.resetModules()
    const fresh = await import('./build-cache.js') // a new module instance: nothing verified yet
    await fresh.buildOnce({ root, kind, inputs: 1, build: async () => {} })
    expect(Date.now() - fs.statSync(entry).mtimeMs).toBeLessThan(60_000)
  })
})
