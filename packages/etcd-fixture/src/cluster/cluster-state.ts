import { WaitTimeoutError, waitFor } from '@infra/fixture-core'
import { type MemberInfo, memberList, type NodeStatus, nodeStatus } from './gateway.js'

/**
 * What the cluster-state queries need of a node: where it answers and whether it can answer now. A local
 * node (its process running and not paused) or an endpoint of a cluster this handle does not own.
 */
export interface StateTarget {
  index: number
  /** Member name, when known (`node-<index>` for local nodes). */
  name?: string
  clientUrl: string
  /** `running`, `paused` or `stopped`; endpoints of a cluster the handle does not own are `running`. */
  state(): 'running' | 'paused' | 'stopped'
  /**
   * An endpoint of a cluster the handle does not own: it may be down without the handle knowing, so the
   * leader is what the endpoints that answer agree on. A live local node must answer.
   */
  mayBeDown?: boolean
}

function isLive(t: StateTarget): boolean {
  return t.state() === 'running'
}

/** The leader of a local cluster: its node index and etcd member id. */
export interface LeaderInfo {
  index: number
  memberId: string
}

/** One member of a local cluster, with what the fixture knows about its process. */
export interface EtcdMember extends MemberInfo {
  /** Node index (`node-<index>`), -1 for a member the fixture did not start. */
  index: number
  /** The node's client URL (`http://127.0.0.1:<port>`). */
  clientUrl: string
  /** `running`, `paused` or `stopped` (killed, or not yet restarted); `running` for a member the fixture did not start. */
  state: 'running' | 'paused' | 'stopped'
  isLeader: boolean
}

const PROBE_MS = 500

async function liveStatuses(
  nodes: readonly StateTarget[],
): Promise<{ node: StateTarget; status: NodeStatus }[]> {
  const live = nodes.filter(isLive)
  const results = await Promise.allSettled(live.map((n) => nodeStatus(n.clientUrl, { timeoutMs: PROBE_MS })))
  return results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ node: live[i]!, status: r.value }] : []))
}

/**
 * The leader every live node agrees on right now, if it is one of the live nodes; undefined while an
 * election runs, a node still follows a dead leader, or the cluster has no quorum.
 */
export async function currentLeader(nodes: readonly StateTarget[]): Promise<LeaderInfo | undefined> {
  const statuses = await liveStatuses(nodes)
  const mustAnswer = nodes.filter((n) => isLive(n) && !n.mayBeDown).length
  const answeredMustAnswer = statuses.filter((s) => !s.node.mayBeDown).length
  if (statuses.length === 0 || answeredMustAnswer < mustAnswer) return undefined
  const leaders = new Set(statuses.map((s) => s.status.leader))
  if (leaders.size !== 1) return undefined
  const memberId = [...leaders][0]!
  const leader = statuses.find((s) => s.status.memberId === memberId)
  return leader ? { index: leader.node.index, memberId } : undefined
}

/** Waits (finite) until the live nodes agree on a live leader. */
export async function waitForLeader(nodes: readonly StateTarget[], timeoutMs: number): Promise<LeaderInfo> {
  return waitFor(() => currentLeader(nodes), {
    what: `the live etcd nodes (${
      nodes
        .filter(isLive)
        .map((n) => n.name ?? n.clientUrl)
        .join(', ') || 'none'
    }) to agree on a live leader`,
    timeoutMs,
    intervalMs: 10,
  })
}

/** The member list (from the first live node that answers) with each member's process state. */
export async function describeMembers(nodes: readonly StateTarget[]): Promise<EtcdMember[]> {
  let members: MemberInfo[] | undefined
  let lastError: unknown
  for (const node of nodes.filter(isLive)) {
    try {
      members = await memberList(node.clientUrl, { timeoutMs: PROBE_MS })
      break
    } catch (err) {
      lastError = err
    }
  }
  if (!members) {
    throw new WaitTimeoutError('a live etcd node to list the members', PROBE_MS, { cause: lastError })
  }
  const leader = await currentLeader(nodes).catch(() => undefined)
  return members.map((m) => {
    const node = nodes.find((n) => (n.name ? n.name === m.name : m.clientUrls.includes(n.clientUrl)))
    return {
      ...m,
      index: node?.index ?? -1,
      clientUrl: node?.clientUrl ?? m.clientUrls[0] ?? '',
      state: node?.state() ?? 'running',
      isLeader: leader?.memberId === m.memberId,
    }
  })
}

/**
 * Waits until `node` has applied everything the leader had when the wait began (its revision reached
 * the leader's): a restarted node has caught up.
 */
export async function waitForCatchUp(
  nodes: readonly StateTarget[],
  node: StateTarget,
  timeoutMs: number,
): Promise<void> {
  const leader = await waitForLeader(nodes, timeoutMs)
  const target = (await nodeStatus(nodes[leader.index]!.clientUrl, { timeoutMs: PROBE_MS })).revision
  await waitFor(async () => (await nodeStatus(node.clientUrl, { timeoutMs: PROBE_MS })).revision >= target, {
    what: `etcd ${node.name ?? node.clientUrl} to catch up with the leader (revision ${target})`,
    timeoutMs,
    intervalMs: 10,
  })
}
