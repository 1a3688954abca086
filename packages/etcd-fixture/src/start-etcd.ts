import { randomBytes } from 'node:crypto'
import { checkOptions, InvalidOptionsError } from '@infra/fixture-core'
import type { IOptions } from 'etcd3'
import { etcdBinary } from './cluster/binary.js'
import { startLocalCluster } from './cluster/local-cluster.js'
import { defaultTimings, type RaftTimings } from './cluster/timings.js'
import { Etcd, type EtcdConnectionInfo } from './etcd.js'
import { checkEndpoint, ETCD_OPTION_SCHEMA, type EtcdOptions } from './options.js'

export const EXTERNAL_ENDPOINTS_ENV = 'INFRA_ETCD_ENDPOINTS'

/** Parses `http://host:port,http://host:port` (as in $INFRA_ETCD_ENDPOINTS). */
export function parseEndpoints(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)
}

function uniquePrefix(): string {
  return `infra-${randomBytes(6).toString('hex')}/`
}

function raftTimings(size: number, given: Partial<RaftTimings> | undefined): RaftTimings {
  const timings = { ...defaultTimings(size), ...given }
  if (timings.electionTimeoutMs < 5 * timings.heartbeatMs) {
    throw new InvalidOptionsError(
      'timings.electionTimeoutMs',
      `etcd needs an election timeout of at least 5 heartbeats (${5 * timings.heartbeatMs} ms), got ${timings.electionTimeoutMs}`,
    )
  }
  return timings
}

/**
 * Starts etcd for tests: a local cluster of 1, 3 or 5 nodes on 127.0.0.1 (ephemeral ports, data on
 * /dev/shm, timings tuned for sub-second failover), or a handle on external endpoints
 * ($INFRA_ETCD_ENDPOINTS). Options are checked before anything starts; an unknown key throws.
 *
 * ```ts
 * await using etcd = await startEtcd({ nodes: 3 })
 * await using ns = await etcd.isolated()
 * await ns.client().put('k').value('v')
 * ```
 */
export async function startEtcd(options: EtcdOptions = {}): Promise<Etcd> {
  const o = checkOptions('startEtcd()', options, ETCD_OPTION_SCHEMA)
  const fromEnv = process.env[EXTERNAL_ENDPOINTS_ENV]
  const provider = o.provider ?? (o.externalEndpoints || fromEnv ? 'external' : 'local')
  const timeoutMs = o.startTimeoutMs ?? 30_000
  if (provider === 'external' && o.networkFaults) {
    throw new InvalidOptionsError(
      'networkFaults',
      'is for a local cluster: the fixture cannot reroute an external one',
    )
  }
  if (provider === 'external') {
    const endpoints = o.externalEndpoints ?? (fromEnv ? parseEndpoints(fromEnv) : [])
    if (endpoints.length === 0) {
      throw new InvalidOptionsError(
        'externalEndpoints',
        `provider 'external' needs externalEndpoints or $${EXTERNAL_ENDPOINTS_ENV}=http://host:port,…`,
      )
    }
    for (const e of endpoints) checkEndpoint(e, EXTERNAL_ENDPOINTS_ENV)
    return new Etcd({
      provider,
      endpoints,
      keyPrefix: o.keyPrefix ?? uniquePrefix(),
      clientOptions: o.clientOptions,
      timeoutMs,
      noFaultsReason: 'the fixture does not own the processes of an external etcd',
    })
  }
  const size = o.nodes ?? 1
  if (o.networkFaults && size === 1) {
    throw new InvalidOptionsError(
      'networkFaults',
      'needs nodes: 3 or 5 (a single node has no peers to cut off)',
    )
  }
  if (o.networkFaults && o.advertisePeerUrl) {
    throw new InvalidOptionsError(
      'advertisePeerUrl',
      'conflicts with networkFaults, which routes the peer traffic itself',
    )
  }
  const timings = raftTimings(size, o.timings)
  const cluster = await startLocalCluster({
    size,
    binary: etcdBinary(o.etcdBinary),
    timings,
    logLevel: o.logLevel ?? 'warn',
    extraArgs: o.extraArgs,
    startTimeoutMs: timeoutMs,
    stopGraceMs: o.stopGraceMs ?? 500,
    dataRoot: o.dataRoot,
    advertisePeerUrl: o.advertisePeerUrl,
    networkFaults: o.networkFaults,
  })
  return new Etcd({
    provider,
    endpoints: cluster.nodes.map((n) => n.clientUrl),
    keyPrefix: o.keyPrefix ?? uniquePrefix(),
    cluster,
    clientOptions: o.clientOptions,
    timeoutMs,
  })
}

/**
 * A handle on a cluster someone else runs (e.g. the one a vitest global setup started): clients, namespaces
 * and cluster state, no faults; `stop()` deletes only the keys of its own unreleased namespaces.
 */
export function connectEtcd(
  info: EtcdConnectionInfo,
  opts: { keyPrefix?: string; clientOptions?: Partial<IOptions>; timeoutMs?: number } = {},
): Etcd {
  if (!info?.endpoints?.length)
    throw new InvalidOptionsError('endpoints', 'give at least one http://host:port')
  for (const [i, e] of info.endpoints.entries()) checkEndpoint(e, `endpoints[${i}]`)
  return new Etcd({
    provider: info.provider,
    endpoints: info.endpoints,
    keyPrefix: opts.keyPrefix ?? uniquePrefix(),
    clientOptions: opts.clientOptions,
    timeoutMs: opts.timeoutMs ?? 30_000,
    noFaultsReason: 'this handle is attached to a cluster another process started (the global setup)',
  })
}
