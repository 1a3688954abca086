import { check, InvalidOptionsError, type OptionCheck, type OptionSchema } from '@infra/fixture-core'
import type { IOptions } from 'etcd3'
import type { PeerUrlMapper } from './cluster/etcd-args.js'
import type { RaftTimings } from './cluster/timings.js'
import { checkNetworkFaults, type NetworkFaults } from './faults/network-faults.js'

export type EtcdProvider = 'local' | 'external'
export type EtcdLogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface EtcdOptions {
  /**
   * `local`: a cluster started here. `external`: `externalEndpoints` or $INFRA_ETCD_ENDPOINTS (isolation by
   * key prefix only). Default: `external` when either is given, else `local`.
   */
  provider?: EtcdProvider
  /** Cluster size (local): 1, 3 or 5. Default 1. */
  nodes?: 1 | 3 | 5
  /**
   * Raft heartbeat interval and election timeout in ms (local), merged over the default:
   * {@link TUNED_TIMINGS} (20/200) for 3 or 5 nodes, {@link SINGLE_NODE_TIMINGS} (10/50) for 1 node.
   */
  timings?: Partial<RaftTimings>
  /** Finite wait for the cluster to be ready (and for a restarted node to rejoin). Default 30 000 ms. */
  startTimeoutMs?: number
  /** Grace between SIGTERM and SIGKILL when a node stops (etcd without quorum ignores SIGTERM). Default 500 ms. */
  stopGraceMs?: number
  /** Path to `etcd` (or its directory); default $ETCD_BIN, PATH, well-known dirs. etcd 3.4+. */
  etcdBinary?: string
  /** etcd's own log level (kept in memory, shown with `DEBUG=infra:etcd-*` and in errors). Default `warn`. */
  logLevel?: EtcdLogLevel
  /** Extra etcd flags (`--flag=value`) for every node, after the fixture's own. */
  extraArgs?: string[]
  /** Parent of the cluster's data directory. Default /dev/shm when it is a tmpfs, else the run directory. */
  dataRoot?: string
  /**
   * The URL node i's peers use to reach it (default: its peer listen URL): put a proxy in front of the
   * peer port and return the proxy's URL here.
   */
  advertisePeerUrl?: PeerUrlMapper
  /**
   * A Toxiproxy handle (`startToxiproxy()` from @infra/toxiproxy-fixture): peer traffic then runs through one
   * link per ordered node pair, and `partition([0], [1, 2])` / `heal()` cut and restore exactly those pairs.
   * Local clusters of 3 or 5 nodes; each node runs in its own mount namespace (see the README).
   */
  networkFaults?: NetworkFaults
  /** Options merged into every etcd3 client the handle creates (`client()`, `isolated()`). */
  clientOptions?: Partial<IOptions>
  /** Prefix of every namespace this handle creates. Default `infra-<random>/`. */
  keyPrefix?: string
  /** External endpoints, `http://host:port` (default: $INFRA_ETCD_ENDPOINTS, comma-separated). */
  externalEndpoints?: string[]
}

export const ENDPOINT = /^https?:\/\/[^\s/:]+:\d{1,5}$/

/** Throws `InvalidOptionsError(key)` unless `value` is `http(s)://host:port`. */
export const checkEndpoint: OptionCheck = (value, key) => {
  check.string()(value, key)
  if (typeof value === 'string' && !ENDPOINT.test(value)) {
    throw new InvalidOptionsError(key, `expected http://host:port, got ${JSON.stringify(value)}`)
  }
}

export const ETCD_OPTION_SCHEMA: OptionSchema<EtcdOptions> = {
  provider: check.oneOf('local', 'external'),
  nodes: check.oneOf(1, 3, 5),
  timings: check.object<RaftTimings>(
    { heartbeatMs: check.int(1, 10_000), electionTimeoutMs: check.int(5, 100_000) },
    'timings',
  ),
  startTimeoutMs: check.ms(),
  stopGraceMs: check.ms({ allowZero: true }),
  etcdBinary: check.string(),
  logLevel: check.oneOf('debug', 'info', 'warn', 'error'),
  extraArgs: check.arrayOf(check.string()),
  dataRoot: check.string(),
  advertisePeerUrl: check.func(),
  networkFaults: checkNetworkFaults,
  // etcd3's own options: the client checks them
  clientOptions: check.any(),
  keyPrefix: check.string(),
  externalEndpoints: check.arrayOf(checkEndpoint, { minLength: 1 }),
}
