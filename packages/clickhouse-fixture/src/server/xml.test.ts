import { describe, expect, it } from 'vitest'
import { mergeXml, renderXml, xmlDocument, xmlProblem } from './xml.js'

describe('xml', () => {
  it('renders scalars, nested elements and repeated elements, escaping text', () => {
    expect(renderXml({ a: 1, b: true, c: { d: 'x<y' }, ip: ['127.0.0.1', '::1'], e: {} }, '')).toBe(
      '<a>1</a>\n<b>1</b>\n<c>\n  <d>x&#60;y</d>\n</c>\n<ip>127.0.0.1</ip>\n<ip>::1</ip>\n<e/>\n',
    )
    expect(xmlDocument({ a: 'b' })).toContain('<yandex>\n  <a>b</a>\n</yandex>')
  })

  it('merges nested elements and replaces the rest', () => {
    expect(mergeXml({ a: { x: 1, y: 2 }, b: 1 }, { a: { y: 3 }, b: { z: 1 } })).toEqual({
      a: { x: 1, y: 3 },
      b: { z: 1 },
    })
    expect(mergeXml({ a: 1 }, undefined)).toEqual({ a: 1 })
  })

  it('names the first element that has no XML form', () => {
    expect(xmlProblem({ a: { 'b c': 1 } }, 'config')).toBe('config.a.b c: not an XML element name')
    expect(xmlProblem({ a: [[1]] }, 'config')).toMatch(/config\.a\[0\]: a list inside a list/)
    expect(xmlProblem({ a: Number.NaN }, 'config')).toMatch(/not a finite number/)
    expect(xmlProblem({ a: null }, 'config')).toMatch(/config\.a: expected/)
    expect(xmlProblem({ a: [1, { b: 'x' }] }, 'config')).toBeUndefined()
  })
})
