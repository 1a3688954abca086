import crypto from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { buildServerConfig, buildUsersConfig, randomPassword } from './server-config.js'

describe('server config', () => {
  const xml = buildServerConfig({
    dir: '/run/ch',
    httpPort: 18123,
    tcpPort: 19000,
    config: { max_concurrent_queries: 7, merge_tree: { parts_to_throw_insert: 600 } },
  })

  it('keeps everything inside the run dir, on loopback', () => {
    expect(xml).toContain('<path>/run/ch/data/</path>')
    expect(xml).toContain('<tmp_path>/run/ch/tmp/</tmp_path>')
    expect(xml).toContain('<users_config>/run/ch/users.xml</users_config>')
    expect(xml).toContain('<include_from>/run/ch/metrika.xml</include_from>')
    expect(xml).toContain('<listen_host>127.0.0.1</listen_host>')
    expect(xml).toContain('<http_port>18123</http_port>')
    expect(xml).toContain('<tcp_port>19000</tcp_port>')
    expect(xml).not.toContain('/etc/')
  })

  it('merges user settings over the defaults', () => {
    expect(xml).toContain('<max_concurrent_queries>7</max_concurrent_queries>')
    expect(xml).not.toContain('<max_concurrent_queries>100</max_concurrent_queries>')
    expect(xml).toMatch(/<merge_tree>\s*<parts_to_throw_insert>600<\/parts_to_throw_insert>\s*<\/merge_tree>/)
  })

  it('stores the default password as SHA-256 and keeps extra users', () => {
    const users = buildUsersConfig(
      'pw',
      { profiles: { default: { max_memory_usage: 1000 } }, users: { reader: { password: 'r' } } },
      '/run/ch/metrika.xml',
    )
    const hash = crypto.createHash('sha256').update('pw').digest('hex')
    expect(users).toContain(`<password_sha256_hex>${hash}</password_sha256_hex>`)
    expect(users).toContain('<max_memory_usage>1000</max_memory_usage>')
    expect(users).toMatch(/<reader>\s*<password>r<\/password>/)
    expect(users).not.toContain('<password>pw</password>')
    expect(randomPassword()).toMatch(/^[0-9a-f]{24}$/)
  })
})
