import { describe, expect, it } from 'vitest'
import { FREE_SPACE_SHARE, LIVE_HEADROOM, sizeClonePool } from './pool-sizing.js'

const MB = 2 ** 20

describe('sizeClonePool', () => {
  it('keeps the requested size when space is plenty', () => {
    const s = sizeClonePool({ requested: 3, templateBytes: 10 * MB, freeBytes: 20_000 * MB })
    expect(s).toMatchObject({ size: 3, maxLive: 3 + LIVE_HEADROOM })
    expect(s.reason).toContain('template 10 MB')
  })

  it('shrinks the pool of a big template on a small file system (the 235 MB template case)', () => {
    // 1 GB free: half of it holds 2 clones of 235 MB; one of them is in use, one is kept ready
    const s = sizeClonePool({ requested: 15, templateBytes: 235 * MB, freeBytes: 1024 * MB })
    expect(s).toMatchObject({ size: 1, maxLive: 2 })
    const roomy = sizeClonePool({ requested: 15, templateBytes: 235 * MB, freeBytes: 4096 * MB })
    expect(roomy).toMatchObject({ size: 7, maxLive: 8 })
  })

  it('never goes below one live clone and one ready one, however little space is free', () => {
    expect(sizeClonePool({ requested: 3, templateBytes: 235 * MB, freeBytes: 64 * MB })).toMatchObject({
      size: 1,
      maxLive: 1,
    })
    expect(sizeClonePool({ requested: 3, templateBytes: 235 * MB, freeBytes: 0 })).toMatchObject({
      size: 1,
      maxLive: 1,
    })
  })

  it('keeps 0 ready when 0 was asked for', () => {
    expect(sizeClonePool({ requested: 0, templateBytes: 235 * MB, freeBytes: 64 * MB }).size).toBe(0)
    expect(sizeClonePool({ requested: 0, templateBytes: MB, freeBytes: 10_000 * MB })).toMatchObject({
      size: 0,
      maxLive: LIVE_HEADROOM,
    })
  })

  it('counts a tiny template as at least a few MB (catalogs)', () => {
    const s = sizeClonePool({ requested: 64, templateBytes: 1000, freeBytes: 400 * MB })
    expect(s.maxLive).toBe(Math.floor((400 * FREE_SPACE_SHARE) / 8))
  })

  it('uses only the requested size when a reading is missing', () => {
    for (const input of [
      { templateBytes: undefined, freeBytes: 64 * MB },
      { templateBytes: 235 * MB, freeBytes: undefined },
    ]) {
      const s = sizeClonePool({ requested: 4, ...input })
      expect(s).toMatchObject({
        size: 4,
        maxLive: 4 + LIVE_HEADROOM,
        reason: expect.stringMatching(/unknown/),
      })
    }
  })
})
