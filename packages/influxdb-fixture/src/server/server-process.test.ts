import { describe, expect, it } from 'vitest'
import { scrubbedEnv } from './server-process.js'

describe('scrubbedEnv', () => {
  it('removes every INFLUXDB_* override (influxd would read them as config, bind addresses included)', () => {
    expect(
      scrubbedEnv({
        INFLUXDB_HTTP_BIND_ADDRESS: ':8086',
        INFLUXDB_CONFIG_PATH: '/etc/influxdb/x.conf',
        PATH: '/bin',
      }),
    ).toEqual({ INFLUXDB_HTTP_BIND_ADDRESS: undefined, INFLUXDB_CONFIG_PATH: undefined })
  })
})
