import { BinaryNotFoundError } from '@infra/fixture-core'
import { afterEach, describe, expect, it } from 'vitest'
import { influxdBinary } from './binaries.js'

const saved = process.env.INFLUXD_BIN

afterEach(() => {
  if (saved === undefined) delete process.env.INFLUXD_BIN
  else process.env.INFLUXD_BIN = saved
})

describe('influxdBinary', () => {
  it('a wrong INFLUXD_BIN is an error naming the variable and the install command', () => {
    process.env.INFLUXD_BIN = '/nonexistent/influxd'
    expect(() => influxdBinary()).toThrow(BinaryNotFoundError)
    expect(() => influxdBinary()).toThrow(/INFLUXD_BIN[\s\S]*apt-get install influxdb/)
  })
})
