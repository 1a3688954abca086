import { InvalidOptionsError } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { planNodes } from '../cluster/etcd-args.js'
import { startEtcd } from '../start-etcd.js'
import { advertisedPeerUrl, hostsFileFor, inOwnHostsFile, pairAddress } from './network-faults.js'

const fakeToxiproxy = { isolated: async () => ({}) as never }

describe('per-pair peer routing', () => {
  const cluster = planNodes([1000, 1001, 1002, 1003, 1004, 1005])

  it('every node advertises one host name per member, the same to all', () => {
    expect(cluster.map(advertisedPeerUrl)).toEqual([
      'http://etcd-0.infra.test:1001',
      'http://etcd-1.infra.test:1003',
      'http://etcd-2.infra.test:1005',
    ])
  })

  it("node i's hosts file sends each peer j to the pair address i→j, and itself to its listener", () => {
    expect(hostsFileFor(1, cluster)).toBe(
      '127.0.0.1 localhost\n127.0.2.1 etcd-0.infra.test\n127.0.0.1 etcd-1.infra.test\n127.0.2.3 etcd-2.infra.test\n',
    )
    expect(new Set(cluster.flatMap((a) => cluster.map((b) => pairAddress(a.index, b.index)))).size).toBe(9)
  })

  it('runs the node in a private mount namespace with its hosts file bind-mounted', () => {
    const { command, args } = inOwnHostsFile('/usr/bin/etcd', ['--name=node-0'], '/tmp/hosts-node-0')
    expect(command).toMatch(/unshare$/)
    expect(args).toContain('--mount')
    expect(args.slice(-4)).toEqual([
      'mount --bind "$0" /etc/hosts && exec "$@"',
      '/tmp/hosts-node-0',
      '/usr/bin/etcd',
      '--name=node-0',
    ])
  })
})

describe('startEtcd({ networkFaults })', () => {
  it('rejects what it cannot do before starting anything', async () => {
    await expect(startEtcd({ networkFaults: {} as never, nodes: 3 })).rejects.toThrow(/Toxiproxy handle/)
    await expect(startEtcd({ networkFaults: fakeToxiproxy, nodes: 1 })).rejects.toThrow(/nodes: 3 or 5/)
    await expect(
      startEtcd({ networkFaults: fakeToxiproxy, nodes: 3, advertisePeerUrl: (n) => n.listenPeerUrl }),
    ).rejects.toThrow(InvalidOptionsError)
    await expect(
      startEtcd({ networkFaults: fakeToxiproxy, externalEndpoints: ['http://127.0.0.1:2379'] }),
    ).rejects.toThrow(/local cluster/)
  })
})
