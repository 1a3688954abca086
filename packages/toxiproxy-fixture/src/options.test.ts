import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { checkToxiproxyOptions } from './options.js'
import { startToxiproxy } from './toxiproxy.js'

describe('startToxiproxy options', () => {
  it('throws on an unknown key before starting anything, naming the nearest key', async () => {
    await expect(startToxiproxy({ prot: 1 } as never)).rejects.toThrow(InvalidOptionsError)
    await expect(startToxiproxy({ prot: 1 } as never)).rejects.toThrow(/did you mean 'port'/i)
  })

  it('checks values', () => {
    expect(() => checkToxiproxyOptions({ port: 0 })).toThrow(/port/)
    expect(() => checkToxiproxyOptions({ apiTimeoutMs: -5 })).toThrow(InvalidOptionsError)
    expect(checkToxiproxyOptions(undefined)).toEqual({})
  })
})
