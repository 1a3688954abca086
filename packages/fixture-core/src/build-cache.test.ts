import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
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
})
