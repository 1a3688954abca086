import { describe, expect, it } from 'vitest'
import { diffPartial, formatDiff } from './json-diff.js'
import { describeMatcher, matchValue } from './matcher.js'

describe('matchValue', () => {
  it('matches objects partially and deeply', () => {
    const msg = { type: 'move', pos: { x: 1, y: 2 }, extra: true }
    expect(matchValue({ type: 'move' }, msg)).toBe(true)
    expect(matchValue({ pos: { x: 1 } }, msg)).toBe(true)
    expect(matchValue({ pos: { x: 2 } }, msg)).toBe(false)
    expect(matchValue({ missing: 1 }, msg)).toBe(false)
    expect(matchValue({ type: 'move' }, 'move')).toBe(false)
  })

  it('requires arrays of the same length, elements matched partially', () => {
    expect(matchValue([{ id: 1 }, { id: 2 }], [{ id: 1, a: 1 }, { id: 2 }])).toBe(true)
    expect(matchValue([{ id: 1 }], [{ id: 1 }, { id: 2 }])).toBe(false)
  })

  it('supports regexps, predicates and asymmetric matchers at any depth', () => {
    expect(matchValue(/^hel/, 'hello')).toBe(true)
    expect(matchValue({ id: /^u_\d+$/ }, { id: 'u_12' })).toBe(true)
    expect(matchValue({ n: (v: number) => v > 3 }, { n: 4 })).toBe(true)
    expect(matchValue({ n: (v: number) => v > 3 }, { n: 2 })).toBe(false)
    expect(matchValue({ n: expect.any(Number) }, { n: 2 })).toBe(true)
    expect(
      matchValue(() => {
        throw new Error('boom')
      }, 1),
    ).toBe(false)
  })

  it('compares bytes and primitives exactly', () => {
    expect(matchValue(Buffer.from([1, 2]), Buffer.from([1, 2]))).toBe(true)
    expect(matchValue(new Uint8Array([1, 2]), Buffer.from([1, 3]))).toBe(false)
    expect(matchValue('a', 'a')).toBe(true)
    expect(matchValue(null, null)).toBe(true)
    expect(matchValue(1, '1')).toBe(false)
  })

  it('describes matchers readably', () => {
    expect(describeMatcher({ id: /x/, n: 1 })).toBe('{"id":"«/x/»","n":1}')
    expect(describeMatcher(undefined)).toBe('any message')
    expect(describeMatcher(function isBig() {})).toBe('predicate isBig()')
  })
})

describe('diffPartial', () => {
  it('lists differing and missing paths', () => {
    const diff = diffPartial({ type: 'move', pos: { x: 3, z: 1 }, 'a-b': 1 }, { type: 'move', pos: { x: 2 } })
    expect(diff).toEqual([
      { path: '$.pos.x', expected: '3', received: '2' },
      { path: '$.pos.z', expected: '1', received: undefined },
      { path: '$["a-b"]', expected: '1', received: undefined },
    ])
    expect(formatDiff(diff)).toContain('+ received (missing)')
  })

  it('reports array length and type mismatches', () => {
    expect(diffPartial({ items: [1, 2] }, { items: [1] })).toEqual([
      { path: '$.items.length', expected: '2', received: '1' },
    ])
    expect(diffPartial({ a: { b: 1 } }, { a: 'x' })).toEqual([
      { path: '$.a', expected: 'object', received: '"x"' },
    ])
    expect(diffPartial({ a: 1 }, { a: 1, b: 2 })).toEqual([])
  })
})
