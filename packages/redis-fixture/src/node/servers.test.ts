import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BinaryNotFoundError, InvalidOptionsError } from '@infra/fixture-core'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import {
  compareBuilds,
  listRedisServers,
  matchesSpec,
  parseServerVersion,
  parseVersionSpec,
  probeServer,
  type RedisServerBuild,
  redisMajor,
  resolveRedisServer,
} from './servers.js'

describe('version option', () => {
  it.each([
    ['7', { product: 'redis', prefix: [7] }],
    ['6.2', { product: 'redis', prefix: [6, 2] }],
    ['7.0.15', { product: 'redis', prefix: [7, 0, 15] }],
    ['redis-6.2', { product: 'redis', prefix: [6, 2] }],
    ['valkey', { product: 'valkey', prefix: [] }],
    ['valkey-8.1', { product: 'valkey', prefix: [8, 1] }],
  ])('%s', (spec, parsed) => {
    expect(parseVersionSpec(spec)).toEqual(parsed)
  })

  it.each(['', 'latest', '7.x', '7.0.15.1', 'keydb-6', 'valkey8', 'redis-'])('rejects %j', (spec) => {
    expect(() => parseVersionSpec(spec)).toThrow(InvalidOptionsError)
  })

  it('matches on whole version numbers, product by product', () => {
    const b = (product: 'redis' | 'valkey', version: string) => ({ product, version })
    expect(matchesSpec(b('redis', '7.0.15'), parseVersionSpec('7'))).toBe(true)
    expect(matchesSpec(b('redis', '7.0.15'), parseVersionSpec('7.0'))).toBe(true)
    expect(matchesSpec(b('redis', '7.10.1'), parseVersionSpec('7.1'))).toBe(false)
    expect(matchesSpec(b('valkey', '8.1.8'), parseVersionSpec('8'))).toBe(false)
    expect(matchesSpec(b('valkey', '8.1.8'), parseVersionSpec('valkey-8'))).toBe(true)
    expect(matchesSpec(b('valkey', '9.1.2'), parseVersionSpec('valkey'))).toBe(true)
  })

  it('reads --version of Redis and Valkey; sorts newest first; Valkey configures like Redis 7', () => {
    expect(parseServerVersion('Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0')).toEqual({
      product: 'redis',
      version: '7.0.15',
    })
    expect(parseServerVersion('Valkey server v=8.1.8 sha=00000000:1 malloc=libc')).toEqual({
      product: 'valkey',
      version: '8.1.8',
    })
    expect(parseServerVersion('KeyDB server v=6.3.4')).toBeUndefined()
    const builds: RedisServerBuild[] = [
      { path: 'a', product: 'redis', version: '6.2.14' },
      { path: 'b', product: 'valkey', version: '8.1.8' },
      { path: 'c', product: 'redis', version: '7.0.15' },
      { path: 'd', product: 'valkey', version: '9.1.2' },
    ]
    expect(builds.sort(compareBuilds).map((x) => x.path)).toEqual(['c', 'a', 'd', 'b'])
    expect(redisMajor({ product: 'redis', version: '6.2.14' })).toBe(6)
    expect(redisMajor({ product: 'valkey', version: '9.1.2' })).toBe(7)
  })
})

describe('finding servers', () => {
  const saved = { bin: process.env.REDIS_SERVER_BIN, dirs: process.env.REDIS_SERVERS_DIR }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-servers-test-'))
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
  afterEach(() => {
    for (const [k, v] of [
      ['REDIS_SERVER_BIN', saved.bin],
      ['REDIS_SERVERS_DIR', saved.dirs],
    ] as const) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  })

  /** A fake server that only answers --version (enough for discovery, never started). */
  function fakeServer(dir: string, name: string, versionLine: string): string {
    fs.mkdirSync(dir, { recursive: true })
    const p = path.join(dir, name)
    fs.writeFileSync(p, `#!/bin/sh\necho '${versionLine}'\n`, { mode: 0o755 })
    return p
  }

  it('REDIS_SERVERS_DIR builds are listed and chosen by version; a missing version says what exists', () => {
    const root = path.join(tmp, 'root')
    fakeServer(path.join(root, 'redis-5.0.9', 'bin'), 'redis-server', 'Redis server v=5.0.9 sha=0')
    fakeServer(path.join(root, 'valkey-99.1.0', 'bin'), 'valkey-server', 'Valkey server v=99.1.0 sha=0')
    process.env.REDIS_SERVERS_DIR = root
    const all = listRedisServers()
    expect(all.map((b) => `${b.product} ${b.version}`)).toEqual(
      expect.arrayContaining(['redis 5.0.9', 'valkey 99.1.0']),
    )
    expect(resolveRedisServer('5').path).toBe(path.join(root, 'redis-5.0.9', 'bin', 'redis-server'))
    expect(resolveRedisServer('valkey-99').version).toBe('99.1.0')
    // the newest matching valkey wins
    expect(resolveRedisServer('valkey').version).toBe('99.1.0')
    const err = (() => {
      try {
        resolveRedisServer('3.2')
      } catch (e) {
        return e as BinaryNotFoundError
      }
    })()
    expect(err).toBeInstanceOf(BinaryNotFoundError)
    expect(err?.message).toMatch(/redis 5\.0\.9/)
    expect(err?.message).toMatch(/fetch-servers\.sh/)
  })

  it('REDIS_SERVER_BIN stays the default; a version still finds the others', () => {
    const own = fakeServer(path.join(tmp, 'own'), 'redis-server', 'Redis server v=6.0.1 sha=0')
    process.env.REDIS_SERVER_BIN = own
    expect(resolveRedisServer().path).toBe(own)
    expect(resolveRedisServer().version).toBe('6.0.1')
    expect(probeServer(path.join(tmp, 'nowhere'))).toBeUndefined()
  })
})
