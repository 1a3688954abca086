import { describe, expect, it } from 'vitest'
import { mergeToml, renderToml, tomlProblem } from './toml.js'

describe('toml', () => {
  it('renders top-level keys, then tables; strings quoted', () => {
    expect(
      renderToml({
        http: { 'bind-address': '127.0.0.1:1', 'auth-enabled': false },
        'reporting-disabled': true,
      }),
    ).toBe('reporting-disabled = true\n\n[http]\n  bind-address = "127.0.0.1:1"\n  auth-enabled = false\n')
  })

  it('merges tables key by key', () => {
    expect(mergeToml({ data: { a: 1, b: 2 }, x: 1 }, { data: { b: 3 }, y: 'z' })).toEqual({
      data: { a: 1, b: 3 },
      x: 1,
      y: 'z',
    })
  })

  it('names the first key it cannot render', () => {
    expect(tomlProblem({ data: { 'a b': 1 } }, 'config')).toBe('config.data.a b: not a TOML key of influxd')
    expect(tomlProblem({ data: { a: [1] } }, 'config')).toMatch(/config\.data\.a: expected/)
    expect(tomlProblem({ a: { b: { c: 1 } } }, 'config')).toMatch(/config\.a\.b/)
    expect(tomlProblem([], 'config')).toBe('config: expected an object')
    expect(tomlProblem({ data: { 'cache-max-memory-size': 1e9 } }, 'config')).toBeUndefined()
  })
})
