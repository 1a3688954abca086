import {
  FixtureLifecycle,
  type FixtureServer,
  InvalidOptionsError,
  UnsupportedOperationError,
} from '@infra/fixture-core'
import type { Etcd3, IOptions } from 'etcd3'
import { ClientRegistry } from './client/clients.js'
import { type EtcdNamespace, PrefixNamespace } from './client/namespace.js'
import {
  currentLeader,
  describeMembers,
  type EtcdMember,
  type LeaderInfo,
  type StateTarget,
  waitForLeader,
} from './cluster/cluster-state.js'
import type { LocalCluster } from './cluster/local-cluster.js'
import { noNetworkFaults, type PartitionOptions, type PeerNetwork } from './faults/network-faults.js'
import { NodeFaults } from './faults/node-faults.js'
import type { EtcdProvider } from './options.js'

/** What another process needs to reach the cluster: what the vitest global setup provides. */
export interface EtcdConnectionInfo {
  endpoints: string[]
  provider: EtcdProvider
}

export interface EtcdInit {
  provider: EtcdProvider
  endpoints: string[]
  keyPrefix: string
  /** The local cluster this handle owns (faults available); absent for external or attached handles. */
  cluster?: LocalCluster
  clientOptions?: Partial<IOptions>
  /** Finite waits of the handle (leader, rejoin). */
  timeoutMs: number
  /** Why faults are unavailable without a cluster (for the error). */
  noFaultsReason?: string
}

/**
 * A running etcd: a local cluster this process started (1, 3 or 5 nodes, with per-node faults) or an
 * external one (isolation by key prefix only; it never deletes a key outside its own prefixes).
 */
export class Etcd implements FixtureServer<EtcdNamespace> {
  readonly service = 'etcd'
  readonly provider: EtcdProvider
  /** Client URLs of every node, `http://127.0.0.1:<port>` (also of nodes currently killed). */
  readonly endpoints: string[]
  /** Prefix of every namespace this handle creates (`isolated()`). */
  readonly keyPrefix: string
  readonly #life = new FixtureLifecycle('etcd')
  readonly #clients: ClientRegistry
  readonly #namespaces = new Set<PrefixNamespace>()
  readonly #cluster: LocalCluster | undefined
  readonly #faults: NodeFaults | undefined
  readonly #targets: StateTarget[]
  readonly #timeoutMs: number
  readonly #noFaultsReason: string | undefined

  constructor(init: EtcdInit) {
    this.provider = init.provider
    this.endpoints = [...init.endpoints]
    this.keyPrefix = init.keyPrefix
    this.#cluster = init.cluster
    this.#timeoutMs = init.timeoutMs
    this.#noFaultsReason = init.noFaultsReason
    this.#clients = new ClientRegistry(this.endpoints, init.clientOptions)
    this.#faults = init.cluster ? new NodeFaults(init.cluster.nodes, init.timeoutMs) : undefined
    this.#targets =
      this.#faults?.targets ??
      this.endpoints.map((clientUrl, index) => ({
        index,
        clientUrl,
        state: () => 'running' as const,
        mayBeDown: true,
      }))
  }

  /** The endpoints and provider, for another process: `connectEtcd(etcd.connectionInfo)`. */
  get connectionInfo(): EtcdConnectionInfo {
    return { endpoints: [...this.endpoints], provider: this.provider }
  }

  /** Number of nodes (local) or endpoints (external). */
  get size(): number {
    return this.endpoints.length
  }

  env(): Record<string, string> {
    return { ETCD_ENDPOINTS: this.endpoints.join(',') }
  }

  // ---- clients ----------------------------------------------------------------------------------

  /**
   * The handle's etcd3 client on all endpoints, set up for tests (see `testClientOptions`): the same one on
   * every call. With `options` (merged over the handle's `clientOptions`), a new client. Either way closed
   * when the handle stops.
   */
  client(options?: Partial<IOptions>): Etcd3 {
    this.#life.assertRunning('client')
    return options ? this.#clients.create(options) : this.#clients.shared()
  }

  /**
   * An etcd3 client on node `index` only (e.g. for serializable, member-local reads): one per node, or a new
   * one with `options`.
   */
  nodeClient(index: number, options?: Partial<IOptions>): Etcd3 {
    this.#life.assertRunning('nodeClient')
    const endpoint = this.endpoints[index]
    if (!Number.isInteger(index) || endpoint === undefined) {
      throw new InvalidOptionsError('index', `expected a node index from 0 to ${this.endpoints.length - 1}`)
    }
    return options ? this.#clients.create(options, [endpoint]) : this.#clients.shared([endpoint])
  }

  /** A namespace under a unique prefix (etcd3's `namespace()`); its keys are deleted on release. */
  async isolated(): Promise<EtcdNamespace> {
    this.#life.assertRunning('isolated')
    const ns = new PrefixNamespace(this.endpoints, this.#clients.shared(), this.keyPrefix, (released) =>
      this.#namespaces.delete(released),
    )
    this.#namespaces.add(ns)
    return ns
  }

  // ---- cluster state ----------------------------------------------------------------------------

  /** The leader (node index and member id), waiting (finite) while an election runs. */
  async leader(): Promise<LeaderInfo> {
    this.#life.assertRunning('leader')
    return (await currentLeader(this.#targets)) ?? this.waitForLeader()
  }

  /** The members as the cluster lists them, with each local node's process state and the leader flag. */
  async members(): Promise<EtcdMember[]> {
    this.#life.assertRunning('members')
    return describeMembers(this.#targets)
  }

  /**
   * Waits until the live nodes agree on a live leader. Default timeout: the handle's `startTimeoutMs`. With
   * `among`, only those nodes count (e.g. the majority side of a `partition()`).
   */
  async waitForLeader(opts: { timeoutMs?: number; among?: readonly number[] } = {}): Promise<LeaderInfo> {
    this.#life.assertRunning('waitForLeader')
    const among = opts.among
    const targets = among ? this.#targets.filter((t) => among.includes(t.index)) : this.#targets
    return waitForLeader(targets, opts.timeoutMs ?? this.#timeoutMs)
  }

  // ---- faults (local provider) -------------------------------------------------------------------

  #owned(operation: string): NodeFaults {
    this.#life.assertRunning(operation)
    if (!this.#faults) {
      throw new UnsupportedOperationError('etcd', operation, this.provider, this.#noFaultsReason)
    }
    return this.#faults
  }

  /** SIGKILL node `index` (a crash), or every node. Resolves once the process exited. */
  async kill(index?: number): Promise<void> {
    await this.#owned('kill').kill(index)
  }

  /** Kills the current leader (waiting, finite, for one) and returns which node it was. */
  async killLeader(): Promise<LeaderInfo> {
    return this.#owned('killLeader').killLeader()
  }

  /** SIGSTOP node `index`, or every node: it hangs, peers and clients see timeouts. */
  async pause(index?: number): Promise<void> {
    await this.#owned('pause').pause(index)
  }

  /** SIGCONT node `index`, or every node. */
  async resume(index?: number): Promise<void> {
    await this.#owned('resume').resume(index)
  }

  /**
   * Node `index`: stopped if it runs (SIGTERM, SIGKILL after `stopGraceMs`), started on the same ports with the same
   * data; resolves once it follows a leader and has caught up. Without an index: the whole cluster.
   */
  async restart(index?: number): Promise<void> {
    await this.#owned('restart').restart(index)
  }

  /** The pid (= process group) of node `index`, undefined when it is not running. */
  nodePid(index: number): number | undefined {
    const { process } = this.#owned('nodePid').node(index, 'nodePid')
    return process.running ? process.pid : undefined
  }

  /** The last log lines of node `index` (etcd's own log, at the `logLevel` option). */
  nodeLogs(index: number, lines?: number): string[] {
    return this.#owned('nodeLogs').node(index, 'nodeLogs').process.logs(lines)
  }

  /** Where the nodes keep their data (local): `<dir>/node-<i>`. */
  get dataDir(): string | undefined {
    return this.#cluster?.dir.path
  }

  // ---- network faults (the networkFaults option) --------------------------------------------------

  /**
   * Cuts the peer links between two groups of nodes, both ways: `partition([0], [1, 2])` cuts node 0 off
   * from its peers (clients still reach every node). Returns the names of the links cut. Needs a cluster
   * started with `networkFaults`.
   */
  async partition(
    groupA: readonly number[],
    groupB: readonly number[],
    options?: PartitionOptions,
  ): Promise<string[]> {
    return this.#network('partition').partition(groupA, groupB, options)
  }

  /** Restores every peer link `partition()` cut. */
  async heal(): Promise<void> {
    await this.#network('heal').heal()
  }

  #network(operation: string): PeerNetwork {
    this.#life.assertRunning(operation)
    const network = this.#cluster?.network
    if (!network) throw noNetworkFaults(operation, this.provider)
    return network
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  /**
   * Idempotent. Local: closes the clients, SIGKILLs every node (the data is thrown away, and nodes that
   * lost quorum ignore SIGTERM anyway) and removes the data. External/attached: deletes the keys of the
   * namespaces not yet released (only those), then closes the clients.
   */
  stop(): Promise<void> {
    return this.#life.stopOnce(async () => {
      try {
        if (this.#cluster) for (const ns of this.#namespaces) ns.markGone()
        else await Promise.allSettled([...this.#namespaces].map((ns) => ns.release()))
      } finally {
        this.#clients.closeAll()
        await this.#cluster?.stop()
      }
    })
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop()
  }
}
