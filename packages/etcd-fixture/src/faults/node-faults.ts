import { InvalidOptionsError } from '@infra/fixture-core'
import { type LeaderInfo, type StateTarget, waitForCatchUp, waitForLeader } from '../cluster/cluster-state.js'
import type { EtcdNode } from '../cluster/etcd-node.js'
import { startNodesTogether } from '../cluster/local-cluster.js'

/** A local node as the cluster-state queries see it. */
export function nodeTarget(node: EtcdNode): StateTarget {
  return {
    index: node.index,
    name: node.name,
    clientUrl: node.clientUrl,
    state: () => (!node.process.running ? 'stopped' : node.process.paused ? 'paused' : 'running'),
  }
}

/**
 * Fault injection on the nodes of a local cluster. With an index it acts on that node, without one on
 * every node. `restart` keeps ports and data: the node rejoins and catches up.
 */
export class NodeFaults {
  readonly targets: StateTarget[]

  constructor(
    readonly nodes: readonly EtcdNode[],
    private readonly timeoutMs: number,
  ) {
    this.targets = nodes.map(nodeTarget)
  }

  node(index: number, operation: string): EtcdNode {
    const node = Number.isInteger(index) ? this.nodes[index] : undefined
    if (!node) {
      throw new InvalidOptionsError(
        'index',
        `${operation}(${String(index)}): expected a node index from 0 to ${this.nodes.length - 1}`,
      )
    }
    return node
  }

  private select(index: number | undefined, operation: string): readonly EtcdNode[] {
    return index === undefined ? this.nodes : [this.node(index, operation)]
  }

  /** SIGKILL (a crash); resolves once the process(es) exited. */
  async kill(index?: number): Promise<void> {
    await Promise.all(this.select(index, 'kill').map((n) => n.process.kill()))
  }

  /** Kills the node the live nodes agree is the leader (waiting, finite, for one). Returns it. */
  async killLeader(): Promise<LeaderInfo> {
    const leader = await waitForLeader(this.targets, this.timeoutMs)
    await this.nodes[leader.index]!.process.kill()
    return leader
  }

  /** SIGSTOP: the node hangs; its peers and clients see timeouts. */
  async pause(index?: number): Promise<void> {
    const nodes = this.select(index, 'pause').filter((n) => index !== undefined || n.process.running)
    await Promise.all(nodes.map((n) => n.process.pause()))
  }

  /** SIGCONT. */
  async resume(index?: number): Promise<void> {
    for (const n of this.select(index, 'resume')) n.process.resume()
  }

  /**
   * One node: stops it (SIGTERM, SIGKILL after the grace: without quorum etcd ignores SIGTERM) if it runs,
   * starts it on the same ports with the same data, and waits until it follows a leader and caught up.
   * No index: the whole cluster, started together, until it has a leader.
   */
  async restart(index?: number): Promise<void> {
    if (index === undefined) {
      await Promise.all(this.nodes.map((n) => n.process.stop()))
      await startNodesTogether(this.nodes)
      await waitForLeader(this.targets, this.timeoutMs)
      return
    }
    const node = this.node(index, 'restart')
    await node.process.restart()
    await waitForCatchUp(this.targets, this.targets[index]!, this.timeoutMs)
  }
}
