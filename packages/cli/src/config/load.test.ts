import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { UnknownServiceError, UsageError } from '../errors.js'
import { loadConfig, parseConfig } from './load.js'

describe('parseConfig', () => {
  it('reads services by name, kind defaulting to the name', () => {
    const c = parseConfig(
      JSON.stringify({
        services: {
          pg: {},
          cache: { service: 'redis', envPrefix: 'CACHE_' },
          kafka: { options: { nodes: 3 } },
        },
      }),
      'infra.config.json',
    )
    expect(Object.keys(c.services)).toEqual(['pg', 'cache', 'kafka'])
    expect(c.services.cache).toMatchObject({ name: 'cache', envPrefix: 'CACHE_', options: {} })
    expect(c.services.cache?.kind.name).toBe('redis')
    expect(c.services.kafka?.options).toEqual({ nodes: 3 })
  })

  it('rejects unknown keys, unknown services, bad JSON and bad prefixes', () => {
    expect(() => parseConfig('{"services":{"pg":{"option":{}}}}', 'f')).toThrow(/Did you mean 'options'/)
    expect(() => parseConfig('{"service":{}}', 'f')).toThrow(InvalidOptionsError)
    expect(() => parseConfig('{"services":{"db":{}}}', 'f')).toThrow(UnknownServiceError)
    expect(() => parseConfig('{nope', 'f')).toThrow(UsageError)
    expect(() => parseConfig('{"services":{"pg":{"envPrefix":"a-"}}}', 'f')).toThrow(/envPrefix/)
    expect(() => parseConfig('{"services":{"pg":{"options":[1]}}}', 'f')).toThrow(/must be an object/)
  })
})

describe('loadConfig', () => {
  it('finds infra.config.json in the directory, and is undefined without one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-cli-config-'))
    try {
      expect(loadConfig(undefined, dir)).toBeUndefined()
      expect(() => loadConfig('missing.json', dir)).toThrow(/does not exist/)
      fs.writeFileSync(path.join(dir, 'infra.config.json'), '{"services":{"redis":{}}}')
      expect(Object.keys(loadConfig(undefined, dir)?.services ?? {})).toEqual(['redis'])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
