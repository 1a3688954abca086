import crypto from 'node:crypto'
import {
  FixtureLifecycle,
  type FixtureServer,
  type ServiceProcess,
  type TempDir,
  waitFor,
} from '@infra/fixture-core'
import { Redis, type RedisOptions } from 'ioredis'
import {
  ClientRegistry,
  createRedisClient,
  TEST_CLIENT_DEFAULTS,
  withQuietErrors,
} from '../client/client-factory.js'
import { INTERNAL_CLIENT_PREFIX, parseInfo } from '../client/server-info.js'
import { Keyspace, type RedisSentinelNamespace, scanAll, unlinkPrefix } from '../isolation/namespace.js'

/** Options of the handle's own connections: named, so `clientList()` of a node can hide them. */
function internalOptions(role: string): RedisOptions {
  return { connectionName: `${INTERNAL_CLIENT_PREFIX}${role}` }
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

/**
 * A master, its replicas and a group of sentinels with failover tuned for tests (about 1-2 s instead of
 * ~30 s): `killMaster()` SIGKILLs the master, the sentinels promote a replica, sentinel-aware clients
 * follow.
 */
export class RedisSentinel implements FixtureServer<RedisSentinelNamespace> {
  readonly service = 'redis-sentinel'
  readonly provider = 'local'
  readonly masterName: string
  /** Sentinel addresses (what a sentinel-aware client needs). */
  readonly sentinels: readonly HostPort[]
  readonly sentinelProcesses: readonly ServiceProcess[]
  readonly nodes: readonly SentinelDataNode[]
  /** The group's password: data nodes and sentinels (random per group unless given). */
  readonly password: string
  private readonly clients = new ClientRegistry<Redis>()
  private readonly life = new FixtureLifecycle('redis-sentinel')
  private admin: Redis | undefined

  constructor(
    init: {
      masterName: string
      sentinels: HostPort[]
      sentinelProcesses: ServiceProcess[]
      nodes: SentinelDataNode[]
      password: string
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
      sentinelPassword: this.password,
      sentinelRetryStrategy: (times: number) => Math.min(times * 50, 500),
      retryStrategy: (times: number) => Math.min(times * 20, 200),
      ...options,
    }
  }

  /** Every process of the group: data nodes first, then sentinels. */
  private get processes(): ServiceProcess[] {
    return [...this.nodes.map((n) => n.process), ...this.sentinelProcesses]
  }

  /**
   * `REDIS_SENTINELS` (`host:port,…`), `REDIS_SENTINEL_MASTER` (the master name), `REDIS_PASSWORD` (data
   * nodes) and `REDIS_SENTINEL_PASSWORD` (sentinels; the same value): what a sentinel-aware client in
   * another process needs (ioredis: `password` + `sentinelPassword`).
   */
  env(): Record<string, string> {
    return {
      REDIS_SENTINELS: this.sentinels.map((s) => `${s.host}:${s.port}`).join(','),
      REDIS_SENTINEL_MASTER: this.masterName,
      REDIS_PASSWORD: this.password,
      REDIS_SENTINEL_PASSWORD: this.password,
    }
  }

  /**
   * A key-prefix namespace (`infra:<id>:`) for one test; its `client()` is sentinel-aware, so it follows
   * failovers. Its keys are UNLINKed (on the master of the moment) on release.
   */
  async isolated(): Promise<RedisSentinelNamespace> {
    this.life.assertRunning('isolated')
    const prefix = `infra:${crypto.randomBytes(6).toString('hex')}:`
    const admin = () =>
      (this.admin ??= withQuietErrors(new Redis(this.clientOptions(internalOptions('sentinel-admin')))))
    return new Keyspace<Redis, RedisOptions>({
      mode: 'prefix',
      prefix,
      channelPrefix: prefix,
      connect: (options) => new Redis(this.clientOptions(options)),
      scan: (match, plain) => scanAll(plain(), match),
      cleanup: async () => {
        await unlinkPrefix(admin(), prefix).catch(() => {})
      },
    })
  }

  /** SIGKILL to every process of the group (data nodes and sentinels): a crash of the whole deployment. */
  async kill(): Promise<void> {
    this.life.assertRunning('kill')
    await Promise.all(this.processes.map((p) => p.kill()))
  }

  /** SIGSTOP to every process of the group: everything hangs until `resume()`. */
  async pause(): Promise<void> {
    this.life.assertRunning('pause')
    await Promise.all(this.processes.map((p) => p.pause()))
  }

  /** SIGCONT after `pause()`. */
  async resume(): Promise<void> {
    this.life.assertRunning('resume')
    for (const p of this.processes) p.resume()
  }

  /**
   * Restarts every process, data nodes first (same ports, same config files, which the sentinels rewrite
   * as they learn: a restarted group comes back with the master of the moment), and waits for a master.
   */
  async restart(): Promise<void> {
    this.life.assertRunning('restart')
    for (const p of this.processes) if (p.paused) p.resume()
    for (const n of this.nodes) await n.process.restart()
    await Promise.all(this.sentinelProcesses.map((p) => p.restart()))
    await this.waitForMaster()
  }

  /** A new sentinel-aware ioredis client (follows failovers). Closed by `stop()`. */
  client(options: RedisOptions = {}): Redis {
    this.life.assertRunning('client')
    return this.clients.add(new Redis(this.clientOptions(options)))
  }

  /** A plain client to one data node (no failover following), e.g. to inspect a replica. */
  nodeClient(node: HostPort, options: RedisOptions = {}): Redis {
    this.life.assertRunning('nodeClient')
    return this.clients.add(createRedisClient({ ...node, password: this.password }, options))
  }

  private async askSentinels<T>(fn: (c: Redis) => Promise<T>): Promise<T> {
    let last: unknown
    for (const [i, s] of this.sentinels.entries()) {
      if (!this.sentinelProcesses[i]?.running) continue
      const c = createRedisClient(
        { ...s, password: this.password },
        {
          ...internalOptions('sentinel-query'),
          maxRetriesPerRequest: 0,
          retryStrategy: () => null,
          connectTimeout: 1_000,
          commandTimeout: 1_000,
        },
      )
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
    this.life.assertRunning('killMaster')
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
    return this.life.stopOnce(async () => {
      this.clients.closeAll()
      this.admin?.disconnect()
      for (const p of this.processes) if (p.paused) p.resume()
      await Promise.all(this.sentinelProcesses.map((p) => p.stop({ graceMs: 2_000 })))
      await Promise.all(this.nodes.map((n) => n.process.stop({ graceMs: 3_000 })))
      await this.tempDir.remove()
    })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }
}
