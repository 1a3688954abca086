import { InvalidOptionsError, UnsupportedOperationError } from '@infra/fixture-core'
import { startNodeLogged } from './broker-logs.js'
import { type KafkaNode, oneNodePerProcess } from './kafka-node.js'
import type { LocalCluster } from './local-cluster.js'

/** Fault injection on the brokers of a local cluster: kill, pause, resume, restart (one or all). */
export class BrokerFaults {
  private readonly cluster: LocalCluster | undefined
  private readonly provider: string
  private readonly stopGraceMs: number
  private readonly startTimeoutMs: number
  private readonly assertRunning: (operation: string) => void

  constructor(opts: {
    cluster: LocalCluster | undefined
    provider: string
    /** Throws `FixtureStateError` once the fixture stopped. */
    assertRunning: (operation: string) => void
    stopGraceMs: number
    startTimeoutMs: number
  }) {
    this.cluster = opts.cluster
    this.provider = opts.provider
    this.assertRunning = opts.assertRunning
    this.stopGraceMs = opts.stopGraceMs
    this.startTimeoutMs = opts.startTimeoutMs
  }

  /** Node ids of the local cluster (1..n); empty for external brokers. */
  get nodeIds(): number[] {
    return this.cluster?.nodes.map((n) => n.nodeId) ?? []
  }

  /**
   * The local cluster; throws `FixtureStateError` after stop, `UnsupportedOperationError` naming `what` when
   * this handle has no cluster of its own (external brokers, or a worker's handle on a global setup's).
   */
  requireCluster(what: string): LocalCluster {
    this.assertRunning(what)
    if (!this.cluster) {
      throw new UnsupportedOperationError(
        'kafka',
        what,
        this.provider,
        'broker faults need brokers this handle started (startKafka() in this process)',
      )
    }
    return this.cluster
  }

  /** The node with id `id`; throws `InvalidOptionsError` naming `what` when there is none. */
  node(id: number, what: string): KafkaNode {
    const n = this.requireCluster(what).nodes.find((x) => x.nodeId === id)
    if (!n) throw new InvalidOptionsError(what, `no broker with id ${id} (ids: ${this.nodeIds.join(', ')})`)
    return n
  }

  /**
   * The node with id `id`, in a process of its own; throws `UnsupportedOperationError` when one JVM runs
   * every node (`sharedJvm`): a fault on it would hit the whole cluster.
   */
  private ownProcessNode(id: number, what: string): KafkaNode {
    const n = this.node(id, what)
    if (n.sharedJvm) {
      throw new UnsupportedOperationError(
        'kafka',
        what,
        'shared-JVM',
        `one JVM runs every node (sharedJvm: true), so one broker cannot be ${what.startsWith('kill') ? 'killed' : 'stopped, paused or restarted'} alone; kill(), pause(), resume() and restart() act on the whole cluster, or start without sharedJvm for single-broker faults`,
      )
    }
    return n
  }

  /** One node of each process: fault-all operations signal each process once. */
  private processNodes(what: string): KafkaNode[] {
    return oneNodePerProcess(this.requireCluster(what).nodes)
  }

  async killBroker(id: number): Promise<void> {
    await this.ownProcessNode(id, 'killBroker').process.kill()
  }

  async restartBroker(id: number): Promise<void> {
    const n = this.ownProcessNode(id, 'restartBroker')
    const { clusterId } = this.requireCluster('restartBroker')
    await startNodeLogged(n, clusterId, () =>
      n.process.running ? n.process.restart({ graceMs: 15_000 }) : n.process.start(),
    )
  }

  async pauseBroker(id: number): Promise<void> {
    await this.ownProcessNode(id, 'pauseBroker').process.pause()
  }

  async resumeBroker(id: number): Promise<void> {
    this.ownProcessNode(id, 'resumeBroker').process.resume()
  }

  async killAll(): Promise<void> {
    for (const n of this.processNodes('kill')) await n.process.kill()
  }

  async pauseAll(): Promise<void> {
    await Promise.all(this.processNodes('pause').map((n) => n.process.pause()))
  }

  async resumeAll(): Promise<void> {
    for (const n of this.processNodes('resume')) n.process.resume()
  }

  /** Stops every node (bounded grace), starts them again and waits until every broker is back. */
  async restartAll(): Promise<void> {
    const cluster = this.requireCluster('restart')
    const nodes = this.processNodes('restart')
    await Promise.all(nodes.map((n) => n.process.stop({ graceMs: this.stopGraceMs })))
    await Promise.all(nodes.map((n) => startNodeLogged(n, cluster.clusterId, () => n.process.start())))
    await cluster.waitForBrokers(cluster.nodes.length, this.startTimeoutMs)
  }
}
