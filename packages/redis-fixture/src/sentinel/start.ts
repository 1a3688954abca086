import { randomBytes } from 'node:crypto'
import path from 'node:path'
import {
  check,
  checkOptions,
  chownRecursive,
  createTempDir,
  InvalidOptionsError,
  type OptionSchema,
  type ServiceProcess,
  unprivilegedUser,
  waitFor,
  withPortsRetry,
} from '@infra/fixture-core'
import type { Redis } from 'ioredis'
import { createRedisClient } from '../client/client-factory.js'
import { parseInfo } from '../client/server-info.js'
import { redisSentinelCommand } from '../node/binaries.js'
import { killAll, type NodeSpec, startNodes } from '../node/node-process.js'
import { buildServerConf, confLine } from '../node/redis-conf.js'
import { redisMajor, resolveRedisServer } from '../node/servers.js'
import {
  checkName,
  checkPassword,
  checkVersion,
  DATA_NODE_OPTIONS,
  type DataNodeOptions,
} from '../server/options.js'
import { RedisSentinel } from './sentinel.js'

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
  /**
   * Password of every process of the group (default: random per group): data nodes `requirepass` +
   * `masterauth`, sentinels `requirepass` (also used between sentinels) + `sentinel auth-pass`.
   */
  password?: string
  /** Options for the data nodes. */
  server?: DataNodeOptions
  /**
   * Which server runs every process (data nodes, and sentinels as `<server> --sentinel`), like
   * `startRedis({ version })`: `'6.2'`, `'valkey-8'` … Default: `redis-server` + `redis-sentinel`.
   */
  version?: string
  startTimeoutMs?: number
}

const SENTINEL_OPTIONS: OptionSchema<RedisSentinelOptions> = {
  replicas: check.int(0, 8),
  sentinels: check.int(1, 9),
  masterName: checkName,
  quorum: check.int(1, 9),
  downAfterMs: check.int(50, 600_000),
  failoverTimeoutMs: check.int(100, 3_600_000),
  password: checkPassword,
  server: check.object(DATA_NODE_OPTIONS, 'startRedisSentinel({ server })'),
  version: checkVersion,
  startTimeoutMs: check.ms(),
}

function sentinelConf(o: {
  port: number
  dir: string
  masterName: string
  masterPort: number
  quorum: number
  downAfterMs: number
  failoverTimeoutMs: number
  password: string
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
    // clients and the other sentinels (they use their own requirepass to talk to each other)
    confLine('requirepass', o.password),
    confLine('sentinel', 'auth-pass', o.masterName, o.password),
  ]
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

async function queryNode<T>(port: number, password: string, fn: (c: Redis) => Promise<T>): Promise<T> {
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
  checkOptions('startRedisSentinel()', options, SENTINEL_OPTIONS)
  if (options.quorum !== undefined && options.quorum > (options.sentinels ?? 3)) {
    throw new InvalidOptionsError(
      'quorum',
      `expected at most the number of sentinels (${options.sentinels ?? 3})`,
    )
  }
  const replicas = options.replicas ?? 1
  const sentinelCount = options.sentinels ?? 3
  const masterName = options.masterName ?? 'mymaster'
  const quorum = options.quorum ?? Math.floor(sentinelCount / 2) + 1
  // random by default (in env() and the clients): another local user reaching a port gets NOAUTH
  const password = options.password ?? randomBytes(18).toString('base64url')
  const timeoutMs = options.startTimeoutMs ?? 30_000
  const build = resolveRedisServer(options.version)
  const major = redisMajor(build)
  const serverBin = build.path
  const sentinelCmd =
    options.version === undefined
      ? redisSentinelCommand()
      : { command: build.path, extraArgs: ['--sentinel'] }
  // as root, every process runs as the unprivileged user (like startRedis)
  const ids = unprivilegedUser()
  const tempDir = await createTempDir('redis-sentinel')
  try {
    chownRecursive(tempDir.path, ids)
    return await withPortsRetry(1 + replicas + sentinelCount, async (ports) => {
      const [masterPort, ...rest] = ports as [number, ...number[]]
      const replicaPorts = rest.slice(0, replicas)
      const sentinelPorts = rest.slice(replicas)
      const dataSpec = (port: number, i: number): NodeSpec => {
        const dir = path.join(tempDir.path, `node-${i}`)
        const extra = ['repl-diskless-sync-delay 0', confLine('masterauth', password)]
        if (i > 0) extra.push(confLine('replicaof', '127.0.0.1', masterPort))
        return {
          name: i === 0 ? 'redis-master' : `redis-replica-${i}`,
          command: serverBin,
          dir,
          port,
          password,
          ids,
          startTimeoutMs: timeoutMs,
          conf:
            buildServerConf({ ...(options.server ?? {}), password, port, dir, major }) +
            `${extra.join('\n')}\n`,
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
              password,
              ids,
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
        // SENTINEL DEBUG is 7.0+: a 6.2 group keeps Redis' periods (discovery and failover take longer)
        await Promise.all(
          (major >= 7 ? sentinelPorts : []).map((p) =>
            queryNode(p, password, (c) => c.call('SENTINEL', 'DEBUG', ...SENTINEL_DEBUG_PERIODS.map(String))),
          ),
        )
        await waitFor(
          async () => {
            for (const p of sentinelPorts) {
              const flat = (await queryNode(p, password, (c) =>
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
