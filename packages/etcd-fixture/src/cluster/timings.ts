/** Raft timings of a node: `--heartbeat-interval` and `--election-timeout`, in ms. */
export interface RaftTimings {
  heartbeatMs: number
  electionTimeoutMs: number
}

/**
 * The fixture's default: a follower that misses heartbeats for 200–400 ms (etcd randomises the election
 * timeout in [1×, 2×)) starts an election, so a killed leader is replaced in well under a second, with
 * pre-vote on so that a node starved of CPU for a moment does not depose a healthy leader. 10 heartbeats
 * per election timeout keep spurious elections away on a busy 2-core machine. See the README for the
 * measured figures.
 */
export const TUNED_TIMINGS: Readonly<RaftTimings> = Object.freeze({ heartbeatMs: 20, electionTimeoutMs: 200 })

/** etcd's own defaults (100 ms / 1 000 ms): the anchor of the failover benchmark. */
export const ETCD_DEFAULT_TIMINGS: Readonly<RaftTimings> = Object.freeze({
  heartbeatMs: 100,
  electionTimeoutMs: 1_000,
})

/**
 * The default of a 1-node cluster: with a single voter there is no failover and no spurious election,
 * the election timeout only delays the node's first self-election at boot (etcd fast-forwards all but
 * the last, randomised, stretch of it), so it is as short as etcd allows (5 heartbeats).
 */
export const SINGLE_NODE_TIMINGS: Readonly<RaftTimings> = Object.freeze({
  heartbeatMs: 10,
  electionTimeoutMs: 50,
})

/** The default timings of a cluster of `size` nodes. */
export function defaultTimings(size: number): Readonly<RaftTimings> {
  return size === 1 ? SINGLE_NODE_TIMINGS : TUNED_TIMINGS
}
