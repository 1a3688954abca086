// Several servers in one run: Debian's redis-server 7.0 (the default) beside what
// tooling/redis/fetch-servers.sh installs (Redis 6.2, Valkey 8.1, 9.1), each chosen with `version` and
// checked by what it reports in INFO server.
import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { parseInfo } from '../client/server-info.js'
import { startRedisCluster } from '../cluster/start.js'
import { listRedisServers, type RedisServerBuild, resolveRedisServer } from '../node/servers.js'
import { startRedisSentinel } from '../sentinel/start.js'
import { startRedis } from './start.js'

const builds = listRedisServers()
const def = resolveRedisServer()
const others = builds.filter((b) => b.product !== def.product || b.version !== def.version)
const spec = (b: RedisServerBuild) => (b.product === 'valkey' ? `valkey-${b.version}` : b.version)

/** What INFO server says the server is: `redis 7.0.15`, `valkey 8.1.8`. */
function reported(info: Record<string, string>): string {
  return info.valkey_version ? `valkey ${info.valkey_version}` : `redis ${info.redis_version}`
}

describe('startRedis({ version })', () => {
  it('finds more than one server here (bash tooling/bootstrap.sh installs them)', () => {
    expect(
      others.length,
      `servers found: ${builds.map((b) => `${b.product} ${b.version} (${b.path})`).join(', ')}; run bash tooling/redis/fetch-servers.sh`,
    ).toBeGreaterThan(0)
  })

  it('starts the default and every other server in one run; each reports its own version', async () => {
    const servers = await Promise.all([startRedis(), ...others.map((b) => startRedis({ version: spec(b) }))])
    try {
      const seen = await Promise.all(
        servers.map(async (s) => {
          expect(await s.client().set('k', s.url)).toBe('OK')
          return reported(parseInfo(await s.client().info('server')))
        }),
      )
      expect(seen).toEqual([def, ...others].map((b) => `${b.product} ${b.version}`))
      expect(new Set(seen).size).toBe(servers.length)
    } finally {
      await Promise.all(servers.map((s) => s.stop()))
    }
  })

  it('a major-only version picks the newest of that major', async () => {
    const valkeys = builds.filter((b) => b.product === 'valkey')
    if (valkeys.length === 0) return expect(() => resolveRedisServer('valkey')).toThrow(/fetch-servers/)
    await using server = await startRedis({ version: 'valkey' })
    const info = parseInfo(await server.client().info('server'))
    expect(info.valkey_version).toBe(valkeys[0]!.version)
    // Valkey speaks the Redis protocol and says so
    expect(info.redis_version).toMatch(/^7\.2\./)
  })
})

describe('sentinel groups and clusters take a version too', () => {
  const redis62 = builds.find((b) => b.product === 'redis' && b.version.startsWith('6.2.'))
  const valkey = builds.find((b) => b.product === 'valkey')

  it.runIf(redis62)('a Redis 6.2 sentinel group (sentinels run as redis-server --sentinel)', async () => {
    await using ha = await startRedisSentinel({ version: '6.2', replicas: 1, sentinels: 2 })
    expect(await ha.client().set('k', 'v')).toBe('OK')
    for (const node of ha.nodes) {
      expect(parseInfo(await ha.nodeClient(node).info('server')).redis_version).toBe(redis62!.version)
    }
    expect((await ha.master()).port).toBe(ha.nodes[0]!.port)
  })

  it.runIf(valkey)('a Valkey cluster; a Redis 6 cluster is refused before anything starts', async () => {
    await using cluster = await startRedisCluster({ version: `valkey-${valkey!.version}`, masters: 3 })
    expect(await cluster.client().set('{a}k', 'v')).toBe('OK')
    const info = parseInfo(await cluster.nodeClient(cluster.nodes[0]!).info('server'))
    expect(info.valkey_version).toBe(valkey!.version)
    if (redis62) await expect(startRedisCluster({ version: '6.2' })).rejects.toThrow(InvalidOptionsError)
  })
})
