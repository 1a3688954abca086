import path from 'node:path'
import {
  createTempDir,
  type ServiceProcess,
  type TempDir,
  waitFor,
  withPortsRetry,
} from '@infra/fixture-core'
import { Cluster, type ClusterOptions, type Redis, type RedisOptions } from 'ioredis'
import { redisServerBinary } from './binaries.js'
import { ClientRegistry, createRedisClient, TEST_CLIENT_DEFAULTS } from './client-factory.js'
import { parseInfo } from './info.js'
import { killAll, type NodeSpec, startNodes } from './node-process.js'
import { intInRange, validateDataNodeOptions } from './options.js'
import { buildServerConf, confLine } from './redis-conf.js'
import type { DataNodeOptions } from './sentinel.js'

export const CLUSTER_SLOTS = 16384

export interface RedisClusterOptions {
  /** Masters, each owning an even share of the 16384 slots (default 3). */
  masters?: number
  /** Replicas of each master (default 0). */
  replicasPerMaster?: number
  /** `cluster-node-timeout` (default 1 000 ms; Redis' own default is 15 000). */
  nodeTimeoutMs?: number
  /** Password of every node (`requirepass` + `masterauth`). */
  password?: string
  /** Options of every node. */
  server?: Omit<DataNodeOptions, 'databases'>
  startTimeoutMs?: number
}

export interface ClusterNode {
  readonly host: string
  readonly port: number
  /** Cluster bus port (set explicitly: ephemeral port + 10000 would overflow). */
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

function validate(o: RedisClusterOptions): void {
  intInRange('masters', o.masters, 1, 32)
  intInRange('replicasPerMaster', o.replicasPerMaster, 0, 4)
  intInRange('nodeTimeoutMs', o.nodeTimeoutMs, 100, 600_000)
  intInRange('startTimeoutMs', o.startTimeoutMs, 1, 600_000)
  validateDataNodeOptions(o.server, o.password)
}

/** Even split of the 16384 slots over `masters`: `[first, last]` per master. */
export function splitSlots(masters: number): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (let i = 0; i < masters; i++) {
    out.push([Math.floor((i * CLUSTER_SLOTS) / masters), Math.floor(((i + 1) * CLUSTER_SLOTS) / masters) - 1])
  }
  return out
}

/** A Redis Cluster on loopback, slots assigned and `cluster_state:ok` on every node. */
export class RedisCluster implements AsyncDisposable {
  readonly nodes: readonly ClusterNode[]
  readonly password: string | undefined
  private readonly clients = new ClientRegistry<Cluster | Redis>()
  private stopped: Promise<void> | undefined

  constructor(
    nodes: ClusterNode[],
    password: string | undefined,
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

  /** A cluster-aware ioredis client (follows MOVED/ASK and failovers). Closed by `stop()`. */
  client(options: ClusterOptions = {}): Cluster {
    const redisOptions: RedisOptions = {
      ...TEST_CLIENT_DEFAULTS,
      password: this.password,
      ...(options.redisOptions ?? {}),
    }
    return this.clients.add(
      new Cluster(this.startupNodes, {
        clusterRetryStrategy: (times: number) => Math.min(times * 50, 500),
        slotsRefreshTimeout: 2_000,
        ...options,
        redisOptions,
      }),
    )
  }

  /** A plain client to one node (no redirections). */
  nodeClient(node: { host: string; port: number }, options: RedisOptions = {}): Redis {
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
    this.stopped ??= (async () => {
      this.clients.closeAll()
      await Promise.all(this.nodes.map((n) => n.process.stop({ graceMs: 3_000 })))
      await this.tempDir.remove()
    })()
    return this.stopped
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}

/**
 * Starts `masters × (1 + replicasPerMaster)` cluster nodes and forms the cluster like
 * `redis-cli --cluster create` (config epochs, slot ranges, MEET, REPLICATE), without its 1 s polls.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  validate(options)
  const masters = options.masters ?? 3
  const perMaster = options.replicasPerMaster ?? 0
  const total = masters * (1 + perMaster)
  const password = options.password
  const timeoutMs = options.startTimeoutMs ?? 30_000
  const serverBin = redisServerBinary()
  const tempDir = await createTempDir('redis-cluster')
  try {
    return await withPortsRetry(2 * total, async (ports) => {
      const dataPorts = ports.slice(0, total)
      const busPorts = ports.slice(total)
      const specs: NodeSpec[] = dataPorts.map((port, i) => {
        const dir = path.join(tempDir.path, `node-${i}`)
        const extra = [
          confLine('cluster-enabled', 'yes'),
          confLine('cluster-config-file', path.join(dir, 'nodes.conf')),
          confLine('cluster-node-timeout', options.nodeTimeoutMs ?? 1_000),
          confLine('cluster-port', busPorts[i]!),
          confLine('cluster-announce-ip', '127.0.0.1'),
          'repl-diskless-sync-delay 0',
          'repl-ping-replica-period 1',
        ]
        if (password !== undefined) extra.push(confLine('masterauth', password))
        return {
          name: `redis-cluster-${i}`,
          command: serverBin,
          dir,
          port,
          password,
          startTimeoutMs: timeoutMs,
          conf: `${buildServerConf({ ...(options.server ?? {}), databases: 16, password, port, dir })}${extra.join('\n')}\n`,
        }
      })
      const procs = await startNodes(specs)
      const conns = dataPorts.map((port) =>
        createRedisClient(
          { host: '127.0.0.1', port, password },
          { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 5_000 },
        ),
      )
      try {
        const ids = (await Promise.all(conns.map((c) => c.call('CLUSTER', 'MYID')))) as string[]
        const ranges = splitSlots(masters)
        await Promise.all(conns.map((c, i) => c.call('CLUSTER', 'SET-CONFIG-EPOCH', String(i + 1))))
        await Promise.all(
          ranges.map(([a, b], i) => conns[i]!.call('CLUSTER', 'ADDSLOTSRANGE', String(a), String(b))),
        )
        await Promise.all(
          conns
            .slice(1)
            .map((c) => c.call('CLUSTER', 'MEET', '127.0.0.1', String(dataPorts[0]), String(busPorts[0]))),
        )
        await waitFor(
          async () => {
            for (const c of conns) {
              const text = (await c.call('CLUSTER', 'NODES')) as string
              const lines = text.split('\n').filter((l) => l.trim())
              if (lines.length !== total || lines.some((l) => /handshake|noaddr/.test(l))) return false
            }
            return true
          },
          { what: `all ${total} cluster nodes to know each other`, timeoutMs, intervalMs: 20 },
        )
        // replica r of master m sits at index masters + m * perMaster + r
        await Promise.all(
          conns.slice(masters).map((c, j) => c.call('CLUSTER', 'REPLICATE', ids[Math.floor(j / perMaster)]!)),
        )
        await waitFor(
          async () => {
            for (const [i, c] of conns.entries()) {
              const info = parseInfo((await c.call('CLUSTER', 'INFO')) as string)
              if (info.cluster_state !== 'ok' || Number(info.cluster_slots_assigned) !== CLUSTER_SLOTS)
                return false
              if (Number(info.cluster_known_nodes) !== total) return false
              if (i >= masters) {
                const repl = parseInfo(await c.info('replication'))
                if (repl.master_link_status !== 'up') return false
              }
              // CLUSTER SLOTS lists a replica only once its replication offset has spread by gossip
              const slots = (await c.call('CLUSTER', 'SLOTS')) as unknown[][]
              if (slots.length !== masters || slots.some((r) => r.length - 3 !== perMaster)) return false
            }
            return true
          },
          {
            what: `cluster_state:ok with all ${CLUSTER_SLOTS} slots and ${total - masters} replica(s) in sync on every node`,
            timeoutMs,
            intervalMs: 25,
          },
        )
        const nodes: ClusterNode[] = dataPorts.map((port, i) => ({
          host: '127.0.0.1',
          port,
          busPort: busPorts[i]!,
          id: ids[i]!,
          initialRole: i < masters ? 'master' : 'replica',
          slots: i < masters ? ranges[i] : undefined,
          process: procs[i]!,
        }))
        return new RedisCluster(nodes, password, tempDir)
      } catch (err) {
        await killAll(procs)
        throw err
      } finally {
        for (const c of conns) c.disconnect()
      }
    })
  } catch (err) {
    await tempDir.remove()
    throw err
  }
}
