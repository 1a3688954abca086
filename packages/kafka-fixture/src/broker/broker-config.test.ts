import { describe, expect, it } from 'vitest'
import {
  machineLoadPerCpu,
  quorumElectionConfig,
  quorumVoters,
  renderServerProperties,
  sharedJvmElectionConfig,
  testBrokerDefaults,
} from './broker-config.js'

const cluster = [
  { nodeId: 1, brokerPort: 1001, controllerPort: 1002 },
  { nodeId: 2, brokerPort: 2001, controllerPort: 2002 },
  { nodeId: 3, brokerPort: 3001, controllerPort: 3002 },
]

function parse(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  )
}

describe('renderServerProperties', () => {
  it('makes a combined KRaft node on loopback with static voters', () => {
    const p = parse(renderServerProperties({ node: cluster[1]!, cluster, logDir: '/tmp/x' }))
    expect(p['process.roles']).toBe('broker,controller')
    expect(p['node.id']).toBe('2')
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:1002,2@127.0.0.1:2002,3@127.0.0.1:3002')
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:2001,CONTROLLER://127.0.0.1:2002')
    expect(p['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:2001')
    expect(p['log.dirs']).toBe('/tmp/x')
    expect(p['group.initial.rebalance.delay.ms']).toBe('0')
  })

  it('sizes internal topics to the cluster', () => {
    expect(testBrokerDefaults(1)['offsets.topic.replication.factor']).toBe(1)
    expect(testBrokerDefaults(1)['transaction.state.log.min.isr']).toBe(1)
    expect(testBrokerDefaults(3)['offsets.topic.replication.factor']).toBe(3)
    expect(testBrokerDefaults(3)['transaction.state.log.min.isr']).toBe(2)
    expect(testBrokerDefaults(5)['offsets.topic.replication.factor']).toBe(3)
  })

  it('advertises localhost when asked, still binding 127.0.0.1', () => {
    const p = parse(
      renderServerProperties({ node: cluster[0]!, cluster, logDir: '/d', advertisedHost: 'localhost' }),
    )
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:1001,CONTROLLER://127.0.0.1:1002')
    expect(p['advertised.listeners']).toBe('PLAINTEXT://localhost:1001')
  })

  it('keeps fencing slower than heartbeats and the first quorum election short on a quiet machine', () => {
    const d = testBrokerDefaults(3, 0.2)
    expect(Number(d['broker.session.timeout.ms'])).toBeGreaterThanOrEqual(
      5 * Number(d['broker.heartbeat.interval.ms']),
    )
    expect(d['controller.quorum.election.timeout.ms']).toBe(300)
    expect(Number(d['controller.quorum.election.timeout.ms'])).toBeLessThan(
      Number(d['controller.quorum.fetch.timeout.ms']),
    )
    expect(Number(d['log.index.size.max.bytes'])).toBeLessThan(Number(d['log.segment.bytes']))
  })

  it("uses Kafka's election timing on a busy machine (late nodes would keep re-electing)", () => {
    expect(testBrokerDefaults(3, 4.5)['controller.quorum.election.timeout.ms']).toBe(1000)
    expect(testBrokerDefaults(3, 4.5)['controller.quorum.election.backoff.max.ms']).toBe(1000)
    expect(quorumElectionConfig(3.9)['controller.quorum.election.timeout.ms']).toBe(300)
    expect(typeof machineLoadPerCpu()).toBe('number')
  })

  it('in one JVM, the first node stands first: its whole timeout range ends before any other node starts one', () => {
    const timeout = (i: number) => Number(sharedJvmElectionConfig(i)['controller.quorum.election.timeout.ms'])
    // Kafka waits a random 1–2 × the timeout before a node stands
    for (const other of [1, 2, 8]) expect(2 * timeout(0)).toBeLessThan(timeout(other))
  })

  it('applies overrides last', () => {
    const p = parse(
      renderServerProperties({
        node: cluster[0]!,
        cluster: [cluster[0]!],
        logDir: '/d',
        overrides: { 'num.io.threads': 8 },
      }),
    )
    expect(p['num.io.threads']).toBe('8')
    expect(quorumVoters([cluster[0]!])).toBe('1@127.0.0.1:1002')
  })
})
