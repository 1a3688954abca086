// What another local user can reach in a sentinel group: every port (master, replica, sentinels) wants the
// group's per-run password, which only env() and the handle's clients carry. As root, every process runs
// as the unprivileged user.
import { unprivilegedUser } from '@infra/fixture-core'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { processUid, rawCommand } from '../test-support/unauthenticated.js'
import type { RedisSentinel } from './sentinel.js'
import { startRedisSentinel } from './start.js'

let ha: RedisSentinel
beforeAll(async () => {
  ha = await startRedisSentinel({ replicas: 1, sentinels: 2, quorum: 1 })
})
afterAll(async () => {
  await ha?.stop()
})

describe('a sentinel group is not open to every local user', () => {
  it('each data node refuses an unauthenticated connection (NOAUTH)', async () => {
    expect(ha.nodes).toHaveLength(2)
    for (const node of ha.nodes) {
      expect(await rawCommand(node.port, 'GET k')).toMatch(/^-NOAUTH/)
      expect(await rawCommand(node.port, 'CONFIG GET dir')).toMatch(/^-NOAUTH/)
    }
  })

  it('each sentinel refuses an unauthenticated connection (NOAUTH), so it cannot be reconfigured', async () => {
    expect(ha.sentinels).toHaveLength(2)
    for (const s of ha.sentinels) {
      expect(await rawCommand(s.port, 'SENTINEL MASTERS')).toMatch(/^-NOAUTH/)
      expect(await rawCommand(s.port, `SENTINEL REMOVE ${ha.masterName}`)).toMatch(/^-NOAUTH/)
    }
  })

  it('the password is random per group and carried in env(), clientOptions() and the clients', async () => {
    expect(ha.password).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    expect(ha.env()).toMatchObject({ REDIS_PASSWORD: ha.password, REDIS_SENTINEL_PASSWORD: ha.password })
    const options = ha.clientOptions()
    expect(options).toMatchObject({ password: ha.password, sentinelPassword: ha.password })
    expect(await ha.client().set('k', 'v')).toBe('OK')
    // a client made elsewhere from env() alone reaches the master through the sentinels
    const env = ha.env()
    const own = new Redis({
      sentinels: env.REDIS_SENTINELS!.split(',').map((hp) => {
        const [host, port] = hp.split(':')
        return { host: host!, port: Number(port) }
      }),
      name: env.REDIS_SENTINEL_MASTER,
      password: env.REDIS_PASSWORD,
      sentinelPassword: env.REDIS_SENTINEL_PASSWORD,
      maxRetriesPerRequest: 1,
    })
    try {
      expect(await own.get('k')).toBe('v')
    } finally {
      own.disconnect()
    }
    // without the sentinel password the sentinels do not even say where the master is
    const noSentinelPass = new Redis({
      sentinels: [...ha.sentinels],
      name: ha.masterName,
      password: ha.password,
      maxRetriesPerRequest: 0,
      sentinelRetryStrategy: () => null,
      lazyConnect: true,
    })
    noSentinelPass.on('error', () => {})
    try {
      await expect(noSentinelPass.connect()).rejects.toThrow()
    } finally {
      noSentinelPass.disconnect()
    }
    const other = await startRedisSentinel({ replicas: 0, sentinels: 1 })
    try {
      expect(other.password).not.toBe(ha.password)
    } finally {
      await other.stop()
    }
  })

  it.runIf(process.getuid?.() === 0)('as root, every process runs as the unprivileged user', () => {
    const uid = unprivilegedUser()!.uid
    expect(uid).not.toBe(0)
    expect(ha.pids).toHaveLength(4)
    for (const pid of ha.pids) expect(processUid(pid)).toBe(uid)
  })
})
