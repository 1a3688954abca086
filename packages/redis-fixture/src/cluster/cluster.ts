import crypto from 'node:crypto'
import {
  FixtureLifecycle,
  type FixtureServer,
  type ServiceProcess,
  type TempDir,
  waitFor,
} from '@infra/fixture-core'
import { Cluster, type ClusterOptions, type Redis, type RedisOptions } from 'ioredis'
import {
  ClientRegistry,
  createRedisClient,
  formatRedisUrl,
  TEST_CLIENT_DEFAULTS,
  withQuietErrors,
} from '../client/client-factory.js'
import { INTERNAL_CLIENT_PREFIX, parseInfo } from '../client/server-info.js'
import { escapeGlob, Keyspace, type RedisClusterNamespace, scanAll } from '../isolation/namespace.js'

export interface ClusterNode {
  readonly host: string
  readonly port: number
  /** Cluster bus port: port + 10000 with fixed `ports`/`basePort`, else ephemeral (port + 10000 would overflow). */
  readonly busPort: number
  /** Node id (`CLUSTER MYID`). */
  readonly id: string
  /** Role at start. */
  readonly initialRole: 'master' | 'replica'
  /** Slot range owned at start (masters): `[first, last]`. */
  readonly slots: readonly [number, number] | undefined
  readonly process: ServiceProcess
}

/** One range of `CLUSTER SLOTS`. */
export interface SlotRange {
  first: number
  last: number
  master: { host: string; port: number }
  replicas: Array<{ host: string; port: number }>
}

/** A Redis Cluster on loopback, slots assigned and `cluster_state:ok` on every node. */
export class RedisCluster implements FixtureServer<RedisClusterNamespace> {
  readonly service = 'redis-cluster'
  readonly provider = 'local'
  readonly nodes: readonly ClusterNode[]
  /** Every node's password (random per cluster unless given). */
  readonly password: string
  private readonly clients = new ClientRegistry<Cluster | Redis>()
  private readonly life = new FixtureLifecycle('redis-cluster')
  private admin: Cluster | undefined

  constructor(
    nodes: ClusterNode[],
    password: string,
    private readonly tempDir: TempDir,
  ) {
    this.nodes = nodes
    this.password = password
  }

  get masters(): ClusterNode[] {
    return this.nodes.filter((n) => n.initialRole === 'master')
  }

  get pids(): number[] {
    return this.nodes.map((n) => n.process.pid).filter((p): p is number => p !== undefined)
  }

  /** Startup nodes for a cluster client: `[{ host, port }, ...]`. */
  get startupNodes(): Array<{ host: string; port: number }> {
    return this.nodes.map((n) => ({ host: n.host, port: n.port }))
  }

  /** `REDIS_CLUSTER_NODES` (`host:port,…`) and `REDIS_PASSWORD` (every node's). */
  env(): Record<string, string> {
    return {
      REDIS_CLUSTER_NODES: this.nodes.map((n) => `${n.host}:${n.port}`).join(','),
      REDIS_PASSWORD: this.password,
    }
  }

  /** `redis://:<password>@host:port` of every node (a plain client for one node: no redirections). */
  get urls(): string[] {
    return this.nodes.map((n) => formatRedisUrl({ host: n.host, port: n.port, password: this.password }))
  }

  /** ioredis `Cluster` options for your own client: `redisOptions.password` and the test defaults. */
  clientOptions(options: ClusterOptions = {}): ClusterOptions {
    return {
      clusterRetryStrategy: (times: number) => Math.min(times * 50, 500),
      slotsRefreshTimeout: 2_000,
      ...options,
      redisOptions: { ...TEST_CLIENT_DEFAULTS, password: this.password, ...(options.redisOptions ?? {}) },
    }
  }

  /**
   * A key-prefix namespace (`infra:<id>:`) for one test; its `client()` is an ioredis `Cluster` with the
   * prefix. (No hash tag: the test's keys still spread over the slots, as in production.) Release UNLINKs
   * its keys on every master.
   */
  async isolated(): Promise<RedisClusterNamespace> {
    this.life.assertRunning('isolated')
    const prefix = `infra:${crypto.randomBytes(6).toString('hex')}:`
    const admin = () =>
      (this.admin ??= this.newClient({
        redisOptions: { connectionName: `${INTERNAL_CLIENT_PREFIX}cluster-admin` },
      }))
    const scanMasters = async (match: string) => {
      const c = admin()
      // the client knows the masters once it is ready: a command waits for that
      await c.ping()
      const masters = c.nodes('master')
      return (await Promise.all(masters.map((m) => scanAll(m, match)))).flat()
    }
    return new Keyspace<Cluster, ClusterOptions>({
      mode: 'prefix',
      prefix,
      channelPrefix: prefix,
      connect: (options) => this.newClient(options),
      scan: (match) => scanMasters(match),
      cleanup: async () => {
        const keys = await scanMasters(`${escapeGlob(prefix)}*`).catch(() => [])
        // one UNLINK per key: a multi-key UNLINK across slots is a CROSSSLOT error
        await Promise.all(keys.map((k) => admin().unlink(k))).catch(() => {})
      },
    })
  }

  /** SIGKILL to every node: a crash of the whole cluster (`nodes[i].process.kill()` for one node). */
  async kill(): Promise<void> {
    this.life.assertRunning('kill')
    await Promise.all(this.nodes.map((n) => n.process.kill()))
  }

  /** SIGSTOP to every node until `resume()`. */
  async pause(): Promise<void> {
    this.life.assertRunning('pause')
    await Promise.all(this.nodes.map((n) => n.process.pause()))
  }

  /** SIGCONT after `pause()`. */
  async resume(): Promise<void> {
    this.life.assertRunning('resume')
    for (const n of this.nodes) n.process.resume()
  }

  /**
   * Restarts every node on its ports with its `nodes.conf` (slots and peers as they were) and waits for
   * `cluster_state:ok` again.
   */
  async restart(): Promise<void> {
    this.life.assertRunning('restart')
    for (const n of this.nodes) if (n.process.paused) n.process.resume()
    await Promise.all(this.nodes.map((n) => n.process.restart()))
    await waitFor(
      async () => {
        for (const n of this.nodes) {
          const info = await this.nodeInfo(n.port, 'CLUSTER', 'INFO')
          if (info.cluster_state !== 'ok') return false
        }
        return true
      },
      { what: 'cluster_state:ok on every node after the restart', timeoutMs: 30_000, intervalMs: 25 },
    )
  }

  private async nodeInfo(port: number, ...command: [string, ...string[]]): Promise<Record<string, string>> {
    const c = createRedisClient(
      { host: '127.0.0.1', port, password: this.password },
      { maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000, commandTimeout: 2_000 },
    )
    try {
      return parseInfo((await c.call(...command)) as string)
    } catch {
      return {}
    } finally {
      c.disconnect()
    }
  }

  /** A cluster-aware ioredis client (follows MOVED/ASK and failovers). Closed by `stop()`. */
  client(options: ClusterOptions = {}): Cluster {
    this.life.assertRunning('client')
    return this.clients.add(this.newClient(options))
  }

  private newClient(options: ClusterOptions): Cluster {
    return withQuietErrors(new Cluster(this.startupNodes, this.clientOptions(options)))
  }

  /** A plain client to one node (no redirections). */
  nodeClient(node: { host: string; port: number }, options: RedisOptions = {}): Redis {
    this.life.assertRunning('nodeClient')
    return this.clients.add(createRedisClient({ ...node, password: this.password }, options))
  }

  /** `CLUSTER SLOTS` as seen by `node` (default: the first running node). */
  async slots(node?: { port: number }): Promise<SlotRange[]> {
    const target = node ?? this.nodes.find((n) => n.process.running)
    if (!target) throw new Error('no cluster node is running')
    const c = createRedisClient(
      { host: '127.0.0.1', port: target.port, password: this.password },
      { maxRetriesPerRequest: 0, retryStrategy: () => null },
    )
    try {
      const raw = (await c.call('CLUSTER', 'SLOTS')) as Array<
        [number, number, [string, number, string], ...Array<[string, number, string]>]
      >
      return raw.map(([first, last, master, ...replicas]) => ({
        first,
        last,
        master: { host: master[0], port: master[1] },
        replicas: replicas.map((r) => ({ host: r[0], port: r[1] })),
      }))
    } finally {
      c.disconnect()
    }
  }

  /** Stops every node, closes clients, removes the cluster's directory. Idempotent. */
  stop(): Promise<void> {
    return this.life.stopOnce(async () => {
      this.clients.closeAll()
      this.admin?.disconnect()
      for (const n of this.nodes) if (n.process.paused) n.process.resume()
      await Promise.all(this.nodes.map((n) => n.process.stop({ graceMs: 3_000 })))
      await this.tempDir.remove()
    })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}
