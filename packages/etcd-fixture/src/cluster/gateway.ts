import http from 'node:http'

/**
 * The fixture's own view of a node goes through etcd's JSON gateway (`POST /v3/...` on the client port),
 * one short HTTP request each: no gRPC channel with reconnect back-off to manage for nodes that come
 * and go, and a hard per-request timeout.
 */
export async function gatewayCall<T>(
  clientUrl: string,
  path: string,
  body: object,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const payload = JSON.stringify(body)
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? 1_000), ...(opts.signal ? [opts.signal] : [])]
  return new Promise<T>((resolve, reject) => {
    const req = http.request(
      `${clientUrl}${path}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        signal: AbortSignal.any(signals),
        agent: false,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          text += chunk
        })
        res.on('error', reject)
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`${clientUrl}${path}: HTTP ${res.statusCode} ${text.slice(0, 200)}`))
            return
          }
          try {
            resolve(JSON.parse(text) as T)
          } catch (err) {
            reject(err)
          }
        })
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

interface Header {
  cluster_id?: string
  member_id?: string
  revision?: string
  raft_term?: string
}

/** A node's own status (`Maintenance.Status`), answered locally, without quorum. */
export interface NodeStatus {
  memberId: string
  /** Member id of the leader this node follows; `'0'` when it knows none. */
  leader: string
  revision: number
  raftTerm: number
  raftIndex: number
  version: string
}

export async function nodeStatus(
  clientUrl: string,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<NodeStatus> {
  const s = await gatewayCall<{
    header?: Header
    leader?: string
    raftIndex?: string
    raftTerm?: string
    version?: string
  }>(clientUrl, '/v3/maintenance/status', {}, opts)
  return {
    memberId: s.header?.member_id ?? '0',
    leader: s.leader ?? '0',
    revision: Number(s.header?.revision ?? 0),
    raftTerm: Number(s.raftTerm ?? 0),
    raftIndex: Number(s.raftIndex ?? 0),
    version: s.version ?? '',
  }
}

/** One member as the cluster lists it. */
export interface MemberInfo {
  memberId: string
  name: string
  peerUrls: string[]
  clientUrls: string[]
}

/** The member list (`Cluster.MemberList`), as `clientUrl`'s node knows it. */
export async function memberList(
  clientUrl: string,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<MemberInfo[]> {
  const r = await gatewayCall<{
    members?: { ID?: string; name?: string; peerURLs?: string[]; clientURLs?: string[] }[]
  }>(clientUrl, '/v3/cluster/member/list', {}, opts)
  return (r.members ?? []).map((m) => ({
    memberId: m.ID ?? '0',
    name: m.name ?? '',
    peerUrls: m.peerURLs ?? [],
    clientUrls: m.clientURLs ?? [],
  }))
}
