import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BinaryNotFoundError } from '@infra/fixture-core'
import { afterEach, describe, expect, it } from 'vitest'
import { cachedServerDir, installHint, toxiproxyServerBinary } from './binary.js'

const saved = { ...process.env }
afterEach(() => {
  process.env = { ...saved }
})

describe('toxiproxyServerBinary', () => {
  it('takes $TOXIPROXY_SERVER_BIN first, and a wrong one is an error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'toxi-bin-'))
    const bin = path.join(dir, 'toxiproxy-server')
    fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 })
    process.env.TOXIPROXY_SERVER_BIN = bin
    expect(toxiproxyServerBinary()).toBe(bin)
    process.env.TOXIPROXY_SERVER_BIN = path.join(dir, 'nope')
    expect(() => toxiproxyServerBinary()).toThrow(BinaryNotFoundError)
    fs.rmSync(dir, { recursive: true })
  })

  it('finds the cached build, else says both ways to get one', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'toxi-cache-'))
    delete process.env.TOXIPROXY_SERVER_BIN
    process.env.INFRA_CACHE_DIR = cache
    process.env.PATH = '/nonexistent'
    expect(() => toxiproxyServerBinary()).toThrow(
      /infra-toxiproxy-fetch[\s\S]*TOXIPROXY_SERVER_BIN|TOXIPROXY_SERVER_BIN[\s\S]*infra-toxiproxy-fetch/,
    )
    fs.mkdirSync(cachedServerDir(), { recursive: true })
    const bin = path.join(cachedServerDir(), 'toxiproxy-server')
    fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 })
    expect(toxiproxyServerBinary()).toBe(bin)
    fs.rmSync(cache, { recursive: true })
  })

  it('without Go, tells to install Go or use a release binary', () => {
    expect(installHint(false)).toMatch(/install Go[\s\S]*toxiproxy-server release binary/)
    expect(installHint(true)).not.toMatch(/install Go/)
  })
})
