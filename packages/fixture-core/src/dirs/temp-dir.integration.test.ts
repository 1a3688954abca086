import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { getRunDir } from './run-dir.js'
import { createTempDir } from './temp-dir.js'

describe('createTempDir', () => {
  it('creates a private dir under the run dir and removes it once, however often asked', async () => {
    const dir = await createTempDir('pg data/1')
    expect(path.dirname(dir.path)).toBe(getRunDir())
    expect(path.basename(dir.path)).toMatch(/^pg-data-1-[0-9a-f]{10}$/)
    expect(fs.statSync(dir.path).mode & 0o777).toBe(0o700)
    fs.mkdirSync(path.join(dir.path, 'nested'))
    fs.writeFileSync(path.join(dir.path, 'nested', 'file'), 'x')
    await Promise.all([dir.remove(), dir.remove()])
    await dir.remove()
    expect(fs.existsSync(dir.path)).toBe(false)
  })

  it('is removed on dispose', async () => {
    let kept = ''
    {
      await using dir = await createTempDir()
      kept = dir.path
      expect(fs.existsSync(kept)).toBe(true)
    }
    expect(fs.existsSync(kept)).toBe(false)
  })
})
