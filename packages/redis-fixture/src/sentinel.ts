import path from 'node:path'
import {
  createTempDir,
  InvalidOptionsError,
  type ServiceProcess,
  type TempDir,
  waitFor,
  withPortsRetry,
} from '@infra/fixture-core'
import { Redis, type RedisOptions } from 'ioredis'
import { redisSentinelCommand, redisServerBinary } from './binaries.js'
import { ClientRegistry, createRedisClient, TEST_CLIENT_DEFAULTS } from './client-factory.js'
import { INTERNAL_CLIENT_PREFIX } from './client-list.js'
import { parseInfo } from './info.js'
import { killAll, type NodeSpec, startNodes } from './node-process.js'
import { intInRange, type RedisServerOptions, validateDataNodeOptions } from './options.js'
import { buildServerConf, confLine } from './redis-conf.js'

/** Options of the data nodes (master and replicas) that make sense in a sentinel group. */
export type DataNodeOptions = Pick<
  RedisServerOptions,
  'persistence' | 'appendfsync' | 'maxmemory' | 'maxmemoryPolicy' | 'maxclients' | 'databases' | 'config'
>

export interface RedisSentinelOptions {
  /** Replicas of the master (default 1). */
  replicas?: number
  /** Sentinel processes (default 3). */
  sentinels?: number
  /** Name the sentinels monitor the master under (default `mymaster`). */
  masterName?: string
  /** Sentinels that must agree the master is down (default: a majority). */
  quorum?: number
  /**
   * `down-after-milliseconds` (default 600; Redis' own default is 30 000). Keep it at least twice the
   * sentinel ping period (300 ms here): at 300 ms the sentinels often flag the just-promoted master as down
   * before their new link to it answers, and fail over a second time.
   */
  downAfterMs?: number
  /** `failover-timeout` (default 2 000; Redis' own default is 180 000). */
  failoverTimeoutMs?: number
  /** Password of the data nodes (`requirepass` + `masterauth`, sentinel `auth-pass`). Sentinels need none. */
  password?: string
  /** Options for the data nodes. */
  server?: DataNodeOptions
  startTimeoutMs?: number
}

export interface HostPort {
  host: string
  port: number
}

/** A data node (master or replica at start) of a sentinel group. */
export interface SentinelDataNode extends HostPort {
  readonly process: ServiceProcess
  /** Role at start; after a failover ask `ha.master()`. */
  readonly initialRole: 'master' | 'replica'
}

export interface KillMasterResult {
  /** The master that was SIGKILLed. */
  killed: HostPort
  /** The promoted replica (undefined when `waitForFailover: false`). */
  master: HostPort | undefined
  /** Milliseconds from SIGKILL until the sentinels named the new master. */
  failoverMs: number | undefined
}

function validate(o: RedisSentinelOptions): void {
  intInRange('replicas', o.replicas, 0, 8)
  intInRange('sentinels', o.sentinels, 1, 9)
  intInRange('quorum', o.quorum, 1, o.sentinels ?? 3)
  intInRange('downAfterMs', o.downAfterMs, 50, 600_000)
  intInRange('failoverTimeoutMs', o.failoverTimeoutMs, 100, 3_600_000)
  intInRange('startTimeoutMs', o.startTimeoutMs, 1, 600_000)
  if (o.masterName !== undefined && !/^[A-Za-z0-9_.-]+$/.test(o.masterName)) {
    throw new InvalidOptionsError('masterName', 'expected [A-Za-z0-9_.-]+')
  }
  validateDataNodeOptions(o.server, o.password)
}

/**
 * A master, its replicas and a group of sentinels with failover tuned for tests (about 1-2 s instead of
 * ~30 s): `killMaster()` SIGKILLs the master, the sentinels promote a replica, sentinel-aware clients
 * follow.
 */
export class RedisSentinel implements AsyncDisposable {
  readonly masterName: string
  /** Sentinel addresses (what a sentinel-aware client needs). */
  readonly sentinels: readonly HostPort[]
  readonly sentinelProcesses: readonly ServiceProcess[]
  readonly nodes: readonly SentinelDataNode[]
  readonly password: string | undefined
  private readonly clients = new ClientRegistry<Redis>()
  private stopped: Promise<void> | undefined

  constructor(
    init: {
      masterName: string
      sentinels: HostPort[]
      sentinelProcesses: ServiceProcess[]
      nodes: SentinelDataNode[]
      password: string | undefined
    },
    private readonly tempDir: TempDir,
  ) {
    this.masterName = init.masterName
    this.sentinels = init.sentinels
    this.sentinelProcesses = init.sentinelProcesses
    this.nodes = init.nodes
    this.password = init.password
  }

  /** pids of every process of the group (data nodes and sentinels). */
  get pids(): number[] {
    return [...this.nodes.map((n) => n.process.pid), ...this.sentinelProcesses.map((p) => p.pid)].filter(
      (p): p is number => p !== undefined,
    )
  }

  /** ioredis options for a sentinel-aware client of this group (merge your own over them). */
  clientOptions(options: RedisOptions = {}): RedisOptions {
    return {
      ...TEST_CLIENT_DEFAULTS,
      sentinels: this.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: this.masterName,
      password: this.password,
      sentinelRetryStrategy: (times: number) => Math.min(times * 50, 500),
      retryStrategy: (times: number) => Math.min(times * 20, 200),
      ...options,
    }
  }

  /** A new sentinel-aware ioredis client (follows failovers). Closed by `stop()`. */
  client(options: RedisOptions = {}): Redis {
    return this.clients.add(new Redis(this.clientOptions(options)))
  }

  /** A plain client to one data node (no failover following), e.g. to inspect a replica. */
  nodeClient(node: HostPort, options: RedisOptions = {}): Redis {
    return this.clients.add(createRedisClient({ ...node, password: this.password }, options))
  }

  private async askSentinels<T>(fn: (c: Redis) => Promise<T>): Promise<T> {
    let last: unknown
    for (const [i, s] of this.sentinels.entries()) {
      if (!this.sentinelProcesses[i]?.running) continue
      const c = createRedisClient(s, {
        connectionName: `${INTERNAL_CLIENT_PREFIX}sentinel-query`,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        connectTimeout: 1_000,
        commandTimeout: 1_000,
      })
      try {
        return await fn(c)
      } catch (err) {
        last = err
      } finally {
        c.disconnect()
      }
    }
    throw last ?? new Error('no sentinel is running')
  }

  /** The current master as the sentinels see it. */
  async master(): Promise<HostPort> {
    return this.askSentinels(async (c) => {
      const addr = (await c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.masterName)) as
        | [string, string]
        | null
      if (!addr) throw new Error(`the sentinels do not know '${this.masterName}'`)
      return { host: addr[0], port: Number(addr[1]) }
    })
  }

  /** The data node that is master now. */
  async masterNode(): Promise<SentinelDataNode> {
    const m = await this.master()
    const node = this.nodes.find((n) => n.port === m.port)
    if (!node) throw new Error(`the sentinels name ${m.host}:${m.port}, which is not a node of this group`)
    return node
  }

  /**
   * SIGKILLs the current master. By default waits (finitely) until the sentinels have promoted a replica
   * and it answers as master.
   */
  async killMaster(
    options: { waitForFailover?: boolean; timeoutMs?: number } = {},
  ): Promise<KillMasterResult> {
    const node = await this.masterNode()
    const killed = { host: node.host, port: node.port }
    const t0 = Date.now()
    await node.process.kill()
    if (options.waitForFailover === false) return { killed, master: undefined, failoverMs: undefined }
    const master = await this.waitForMaster({ not: killed, timeoutMs: options.timeoutMs })
    return { killed, master, failoverMs: Date.now() - t0 }
  }

  /** Waits until the sentinels name a master other than `not` and that node answers `role:master`. */
  async waitForMaster(options: { not?: HostPort; timeoutMs?: number } = {}): Promise<HostPort> {
    return waitFor(
      async () => {
        const m = await this.master()
        if (options.not && m.port === options.not.port) return undefined
        const c = createRedisClient(
          { ...m, password: this.password },
          {
            maxRetriesPerRequest: 0,
            retryStrategy: () => null,
            connectTimeout: 1_000,
            commandTimeout: 1_000,
          },
        )
        try {
          const info = parseInfo(await c.info('replication'))
          return info.role === 'master' ? m : undefined
        } finally {
          c.disconnect()
        }
      },
      {
        what: `the sentinels of '${this.masterName}' to promote a new master${options.not ? ` (not ${options.not.port})` : ''}`,
        timeoutMs: options.timeoutMs ?? 15_000,
        intervalMs: 20,
      },
    )
  }

  /** Stops every process (and closes clients) and removes the group's directory. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.clients.closeAll()
      await Promise.all(this.sentinelProcesses.map((p) => p.stop({ graceMs: 2_000 })))
      await Promise.all(this.nodes.map((n) => n.process.stop({ graceMs: 3_000 })))
      await this.tempDir.remove()
    })()
    return this.stopped
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}

function sentinelConf(o: {
  port: number
  dir: string
  masterName: string
  masterPort: number
  quorum: number
  downAfterMs: number
  failoverTimeoutMs: number
  password?: string
}): string {
  const lines = [
    confLine('port', o.port),
    confLine('bind', '127.0.0.1'),
    confLine('daemonize', 'no'),
    confLine('logfile', ''),
    confLine('dir', o.dir),
    confLine('sentinel', 'resolve-hostnames', 'no'),
    confLine('sentinel', 'monitor', o.masterName, '127.0.0.1', o.masterPort, o.quorum),
    confLine('sentinel', 'down-after-milliseconds', o.masterName, o.downAfterMs),
    confLine('sentinel', 'failover-timeout', o.masterName, o.failoverTimeoutMs),
    confLine('sentinel', 'parallel-syncs', o.masterName, 1),
  ]
  if (o.password !== undefined) lines.push(confLine('sentinel', 'auth-pass', o.masterName, o.password))
  return `${lines.join('\n')}\n`
}

// Sentinel's internal periods (ms): Redis defaults are ping 1000, hello 2000, INFO 10 000, ask 1000.
// Shorter ones make discovery take ~0.5 s instead of ~2 s. The ping period stays >= 300: a replica's INFO
// must be younger than 5 ping periods to be promotable, and during a failover INFO is polled every 1 s.
const SENTINEL_DEBUG_PERIODS = [
  'ping-period',
  300,
  'publish-period',
  200,
  'info-period',
  500,
  'ask-period',
  100,
]

async function queryNode<T>(
  port: number,
  password: string | undefined,
  fn: (c: Redis) => Promise<T>,
): Promise<T> {
  const c = createRedisClient(
    { host: '127.0.0.1', port, password },
    { maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1_000, commandTimeout: 2_000 },
  )
  try {
    return await fn(c)
  } finally {
    c.disconnect()
  }
}

/**
 * Starts a master, `replicas` replicas and `sentinels` sentinels on loopback, waits until the replicas are
 * in sync and every sentinel knows every replica and every other sentinel.
 */
export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RedisSentinel> {
  validate(options)
  const replicas = options.replicas ?? 1
  const sentinelCount = options.sentinels ?? 3
  const masterName = options.masterName ?? 'mymaster'
  const quorum = options.quorum ?? Math.floor(sentinelCount / 2) + 1
  const password = options.password
  const timeoutMs = options.startTimeoutMs ?? 30_000
  const serverBin = redisServerBinary()
  const sentinelCmd = redisSentinelCommand()
  const tempDir = await createTempDir('redis-sentinel')
  try {
    return await withPortsRetry(1 + replicas + sentinelCount, async (ports) => {
      const [masterPort, ...rest] = ports as [number, ...number[]]
      const replicaPorts = rest.slice(0, replicas)
      const sentinelPorts = rest.slice(replicas)
      const dataSpec = (port: number, i: number): NodeSpec => {
        const dir = path.join(tempDir.path, `node-${i}`)
        const extra = ['repl-diskless-sync-delay 0']
        if (password !== undefined) extra.push(confLine('masterauth', password))
        if (i > 0) extra.push(confLine('replicaof', '127.0.0.1', masterPort))
        return {
          name: i === 0 ? 'redis-master' : `redis-replica-${i}`,
          command: serverBin,
          dir,
          port,
          password,
          startTimeoutMs: timeoutMs,
          conf: buildServerConf({ ...(options.server ?? {}), password, port, dir }) + `${extra.join('\n')}\n`,
        }
      }
      const started: ServiceProcess[] = []
      try {
        started.push(...(await startNodes([dataSpec(masterPort, 0)])))
        started.push(...(await startNodes(replicaPorts.map((p, i) => dataSpec(p, i + 1)))))
        await waitFor(
          async () => {
            for (const p of replicaPorts) {
              const info = parseInfo(await queryNode(p, password, (c) => c.info('replication')))
              if (info.master_link_status !== 'up') return false
            }
            return true
          },
          { what: `${replicas} replica(s) to finish their initial sync with the master`, timeoutMs },
        )
        const sentinelProcs = await startNodes(
          sentinelPorts.map((port, i) => {
            const dir = path.join(tempDir.path, `sentinel-${i}`)
            return {
              name: `redis-sentinel-${i}`,
              command: sentinelCmd.command,
              extraArgs: sentinelCmd.extraArgs,
              dir,
              port,
              startTimeoutMs: timeoutMs,
              conf: sentinelConf({
                port,
                dir,
                masterName,
                masterPort,
                quorum,
                downAfterMs: options.downAfterMs ?? 600,
                failoverTimeoutMs: options.failoverTimeoutMs ?? 2_000,
                password,
              }),
            }
          }),
        )
        started.push(...sentinelProcs)
        await Promise.all(
          sentinelPorts.map((p) =>
            queryNode(p, undefined, (c) =>
              c.call('SENTINEL', 'DEBUG', ...SENTINEL_DEBUG_PERIODS.map(String)),
            ),
          ),
        )
        await waitFor(
          async () => {
            for (const p of sentinelPorts) {
              const flat = (await queryNode(p, undefined, (c) =>
                c.call('SENTINEL', 'MASTER', masterName),
              )) as string[]
              const m: Record<string, string> = {}
              for (let i = 0; i + 1 < flat.length; i += 2) m[flat[i]!] = flat[i + 1]!
              if (m.flags !== 'master') return false
              if (Number(m['num-slaves']) !== replicas) return false
              if (Number(m['num-other-sentinels']) !== sentinelCount - 1) return false
            }
            return true
          },
          {
            what: `every sentinel to know the master, its ${replicas} replica(s) and the other ${sentinelCount - 1} sentinel(s)`,
            timeoutMs,
            intervalMs: 25,
          },
        )
        const [masterProc, ...replicaProcs] = started
        return new RedisSentinel(
          {
            masterName,
            password,
            sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
            sentinelProcesses: sentinelProcs,
            nodes: [
              { host: '127.0.0.1', port: masterPort, process: masterProc!, initialRole: 'master' },
              ...replicaPorts.map((port, i) => ({
                host: '127.0.0.1',
                port,
                process: replicaProcs[i]!,
                initialRole: 'replica' as const,
              })),
            ],
          },
          tempDir,
        )
      } catch (err) {
        await killAll(started)
        throw err
      }
    })
  } catch (err) {
    await tempDir.remove()
    throw err
  }
}
