import { describe, expect, it } from 'vitest'
import { advertisedPeerUrls, etcdArgs, planNodes } from './etcd-args.js'
import { TUNED_TIMINGS } from './timings.js'

const flag = (args: string[], name: string) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.split('=')
    .slice(1)
    .join('=')

describe('planNodes', () => {
  it('gives node i the client port ports[2i] and the peer port ports[2i+1], on loopback', () => {
    const nodes = planNodes([1001, 1002, 1003, 1004, 1005, 1006])
    expect(nodes.map((n) => [n.name, n.clientUrl, n.listenPeerUrl])).toEqual([
      ['node-0', 'http://127.0.0.1:1001', 'http://127.0.0.1:1002'],
      ['node-1', 'http://127.0.0.1:1003', 'http://127.0.0.1:1004'],
      ['node-2', 'http://127.0.0.1:1005', 'http://127.0.0.1:1006'],
    ])
    expect(nodes.every((n) => n.advertisePeerUrl === n.listenPeerUrl)).toBe(true)
  })

  it('advertises the given peer URLs (a proxy in front of the peer port)', () => {
    const nodes = planNodes([1001, 1002, 1003, 1004], ['http://127.0.0.1:9000', 'http://127.0.0.1:9001'])
    expect(nodes.map((n) => [n.listenPeerUrl, n.advertisePeerUrl])).toEqual([
      ['http://127.0.0.1:1002', 'http://127.0.0.1:9000'],
      ['http://127.0.0.1:1004', 'http://127.0.0.1:9001'],
    ])
  })

  it('rejects an odd number of ports', () => {
    expect(() => planNodes([1, 2, 3])).toThrow(/two ports per node/)
  })
})

describe('etcdArgs', () => {
  const cluster = planNodes([1001, 1002, 1003, 1004], ['http://127.0.0.1:9000', 'http://127.0.0.1:9001'])
  const args = etcdArgs(cluster[1]!, cluster, {
    dataDir: '/dev/shm/x/node-1',
    token: 'tok-1',
    timings: TUNED_TIMINGS,
    logLevel: 'warn',
    extraArgs: ['--heartbeat-interval=50'],
  })

  it('listens on the node URLs and bootstraps the cluster from the advertised peer URLs', () => {
    expect(flag(args, 'name')).toBe('node-1')
    expect(flag(args, 'data-dir')).toBe('/dev/shm/x/node-1')
    expect(flag(args, 'listen-client-urls')).toBe('http://127.0.0.1:1003')
    expect(flag(args, 'advertise-client-urls')).toBe('http://127.0.0.1:1003')
    expect(flag(args, 'listen-peer-urls')).toBe('http://127.0.0.1:1004')
    expect(flag(args, 'initial-advertise-peer-urls')).toBe('http://127.0.0.1:9001')
    expect(flag(args, 'initial-cluster')).toBe('node-0=http://127.0.0.1:9000,node-1=http://127.0.0.1:9001')
    expect(flag(args, 'initial-cluster-token')).toBe('tok-1')
    expect(flag(args, 'initial-cluster-state')).toBe('new')
  })

  it('sets the tuned raft timings, pre-vote, and puts extra flags last (they win)', () => {
    expect(flag(args, 'election-timeout')).toBe(String(TUNED_TIMINGS.electionTimeoutMs))
    expect(flag(args, 'pre-vote')).toBe('true')
    expect(args.at(-1)).toBe('--heartbeat-interval=50')
    expect(args.indexOf(`--heartbeat-interval=${TUNED_TIMINGS.heartbeatMs}`)).toBeLessThan(args.length - 1)
  })
})

describe('advertisedPeerUrls', () => {
  it('asks the (possibly async) mapper once per node, else uses the listen URLs', async () => {
    const plan = planNodes([1001, 1002, 1003, 1004])
    expect(await advertisedPeerUrls(plan, undefined)).toEqual([
      'http://127.0.0.1:1002',
      'http://127.0.0.1:1004',
    ])
    const asked: string[] = []
    const urls = await advertisedPeerUrls(plan, async ({ name, listenPeerUrl }) => {
      asked.push(`${name}>${listenPeerUrl}`)
      return `http://127.0.0.1:${asked.length + 8000}`
    })
    expect(asked).toEqual(['node-0>http://127.0.0.1:1002', 'node-1>http://127.0.0.1:1004'])
    expect(new Set(urls).size).toBe(2)
  })
})
