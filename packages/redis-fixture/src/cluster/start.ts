import { randomBytes } from 'node:crypto'
import path from 'node:path'
import {
  check,
  checkOptions,
  chownRecursive,
  createTempDir,
  InvalidOptionsError,
  type OptionSchema,
  unprivilegedUser,
  waitFor,
  withPortsRetry,
} from '@infra/fixture-core'
import { createRedisClient } from '../client/client-factory.js'
import { parseInfo } from '../client/server-info.js'
import { killAll, type NodeSpec, startNodes } from '../node/node-process.js'
import { buildServerConf, confLine } from '../node/redis-conf.js'
import { redisMajor, resolveRedisServer } from '../node/servers.js'
import { checkPassword, checkVersion, DATA_NODE_OPTIONS, type DataNodeOptions } from '../server/options.js'
import { type ClusterNode, RedisCluster } from './cluster.js'
import { assertClusterPortsFree, fixedClusterPorts } from './fixed-ports.js'

export const CLUSTER_SLOTS = 16384

export interface RedisClusterOptions {
  /** Masters, each owning an even share of the 16384 slots (default 3). */
  masters?: number
  /** Replicas of each master (default 0). */
  replicasPerMaster?: number
  /** `cluster-node-timeout` (default 1 000 ms; Redis' own default is 15 000). */
  nodeTimeoutMs?: number
  /** Password of every node (`requirepass` + `masterauth`; default: random per cluster). */
  password?: string
  /** Options of every node. */
  server?: Omit<DataNodeOptions, 'databases'>
  /**
   * Fixed ports, one per node (masters first, then the replicas of master 0, 1, …); each node's cluster
   * bus listens on port + 10000, which must be free too. No retry: a taken port is a `PortInUseError`.
   * Default: ephemeral ports (and ephemeral bus ports).
   */
  ports?: readonly number[]
  /** Fixed ports `basePort`, `basePort + 1`, … (like `ports`). */
  basePort?: number
  /** Which server runs the nodes (Redis ≥ 7.0 or Valkey), like `startRedis({ version })`. */
  version?: string
  startTimeoutMs?: number
}

const { databases: _, ...CLUSTER_NODE_OPTIONS } = DATA_NODE_OPTIONS

const CLUSTER_OPTIONS: OptionSchema<RedisClusterOptions> = {
  masters: check.int(1, 32),
  replicasPerMaster: check.int(0, 4),
  nodeTimeoutMs: check.int(100, 600_000),
  password: checkPassword,
  server: check.object(CLUSTER_NODE_OPTIONS, 'startRedisCluster({ server })'),
  ports: check.arrayOf(check.port()),
  basePort: check.port(),
  version: checkVersion,
  startTimeoutMs: check.ms(),
}

/** Even split of the 16384 slots over `masters`: `[first, last]` per master. */
export function splitSlots(masters: number): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (let i = 0; i < masters; i++) {
    out.push([Math.floor((i * CLUSTER_SLOTS) / masters), Math.floor(((i + 1) * CLUSTER_SLOTS) / masters) - 1])
  }
  return out
}

/**
 * Starts `masters × (1 + replicasPerMaster)` cluster nodes and forms the cluster like
 * `redis-cli --cluster create` (config epochs, slot ranges, MEET, REPLICATE), without its 1 s polls.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  checkOptions('startRedisCluster()', options, CLUSTER_OPTIONS)
  const masters = options.masters ?? 3
  const perMaster = options.replicasPerMaster ?? 0
  const total = masters * (1 + perMaster)
  // random by default (in env() and the clients): another local user reaching a port gets NOAUTH
  const password = options.password ?? randomBytes(18).toString('base64url')
  const timeoutMs = options.startTimeoutMs ?? 30_000
  const fixed = fixedClusterPorts(options, total)
  const build = resolveRedisServer(options.version)
  if (redisMajor(build) < 7) {
    throw new InvalidOptionsError(
      'version',
      `clusters need Redis 7.0 or newer (CLUSTER ADDSLOTSRANGE, cluster-port), ${build.path} is ${build.product} ${build.version}` +
        (options.version === undefined
          ? ": pass version: '7' or 'valkey', or point REDIS_SERVER_BIN at a newer build"
          : ''),
    )
  }
  const serverBin = build.path
  if (fixed) await assertClusterPortsFree(fixed)
  // as root, every node runs as the unprivileged user (like startRedis)
  const ids = unprivilegedUser()
  const tempDir = await createTempDir('redis-cluster')
  try {
    chownRecursive(tempDir.path, ids)
    const form = async (dataPorts: number[], busPorts: number[]): Promise<RedisCluster> => {
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
          confLine('masterauth', password),
        ]
        return {
          name: `redis-cluster-${i}`,
          command: serverBin,
          dir,
          port,
          password,
          ids,
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
    }
    if (fixed) return await form(fixed.data, fixed.bus)
    return await withPortsRetry(2 * total, (ports) => form(ports.slice(0, total), ports.slice(total)))
  } catch (err) {
    await tempDir.remove()
    throw err
  }
}
