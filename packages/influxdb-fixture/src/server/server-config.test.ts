import { describe, expect, it } from 'vitest'
import { buildServerConfig } from './server-config.js'

describe('influxd config', () => {
  const toml = buildServerConfig({
    dir: '/run/influx',
    httpPort: 18086,
    rpcPort: 18088,
    config: { coordinator: { 'query-timeout': '5s' }, http: { 'max-body-size': 1000 } },
  })

  it('binds loopback only, keeps everything in the run dir, reports nothing', () => {
    expect(toml).toMatch(/^reporting-disabled = true$/m)
    expect(toml).toMatch(/^bind-address = "127\.0\.0\.1:18088"$/m)
    expect(toml).toMatch(/\[http\][^[]*bind-address = "127\.0\.0\.1:18086"/)
    expect(toml).toMatch(/\[meta\][^[]*dir = "\/run\/influx\/meta"/)
    expect(toml).toMatch(/\[data\][^[]*dir = "\/run\/influx\/data"/)
    expect(toml).toMatch(/\[data\][^[]*wal-dir = "\/run\/influx\/wal"/)
    expect(toml).toMatch(/\[monitor\][^[]*store-enabled = false/)
    expect(toml).not.toContain('/etc/')
    expect(toml).not.toContain('/var/')
  })

  it('merges user settings into their sections', () => {
    expect(toml).toMatch(/\[coordinator\]\n {2}query-timeout = "5s"/)
    expect(toml).toMatch(/\[http\][^[]*max-body-size = 1000/)
    expect(toml).toMatch(/\[http\][^[]*log-enabled = false/)
  })
})
