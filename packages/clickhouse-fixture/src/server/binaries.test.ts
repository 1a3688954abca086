import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BinaryNotFoundError } from '@infra/fixture-core'
import { afterEach, describe, expect, it } from 'vitest'
import { clickhouseServerCommand } from './binaries.js'

const saved = process.env.CLICKHOUSE_SERVER_BIN

afterEach(() => {
  if (saved === undefined) delete process.env.CLICKHOUSE_SERVER_BIN
  else process.env.CLICKHOUSE_SERVER_BIN = saved
})

describe('clickhouseServerCommand', () => {
  it('a wrong CLICKHOUSE_SERVER_BIN is an error naming the variable and the install command', () => {
    process.env.CLICKHOUSE_SERVER_BIN = '/nonexistent/clickhouse-server'
    expect(() => clickhouseServerCommand()).toThrow(BinaryNotFoundError)
    expect(() => clickhouseServerCommand()).toThrow(
      /CLICKHOUSE_SERVER_BIN[\s\S]*apt-get install clickhouse-server/,
    )
  })

  it('runs the single clickhouse binary as `clickhouse server`', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ch-bin-'))
    const bin = path.join(dir, 'clickhouse')
    fs.writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 })
    process.env.CLICKHOUSE_SERVER_BIN = bin
    try {
      expect(clickhouseServerCommand()).toEqual({ command: bin, args: ['server'] })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
