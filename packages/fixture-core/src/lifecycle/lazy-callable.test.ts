import { describe, expect, it } from 'vitest'
import { lazyCallable } from './lazy-callable.js'

const make = (counter: { created: number }) => () => {
  counter.created++
  return Object.assign((x: number) => x * 2, { label: 'real', twice: (x: number) => x * 4 })
}

describe('lazyCallable', () => {
  it('creates at once when it can and forwards calls, properties and `in` to what it created', () => {
    const counter = { created: 0 }
    const lazy = lazyCallable(make(counter))
    expect(counter.created).toBe(1)
    expect(lazy(2)).toBe(4)
    expect(lazy.label).toBe('real')
    expect(lazy.twice(1)).toBe(4)
    expect('twice' in lazy).toBe(true)
    expect(counter.created).toBe(1)
  })

  it('when creating fails at first, tries again on use and surfaces the error there', () => {
    let attempts = 0
    let fail = true
    const lazy = lazyCallable(() => {
      attempts++
      if (fail) throw new Error('not now')
      return () => 'ok'
    })
    expect(attempts).toBe(1)
    expect(() => lazy()).toThrow('not now')
    fail = false
    expect(lazy()).toBe('ok')
    expect(lazy()).toBe('ok')
    expect(attempts).toBe(3)
  })
})
