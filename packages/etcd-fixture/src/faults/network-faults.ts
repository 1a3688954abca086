import fs from 'node:fs'
import path from 'node:path'
import {
  EnvironmentError,
  InvalidOptionsError,
  type OptionCheck,
  PortInUseError,
  UnsupportedOperationError,
} from '@infra/fixture-core'
import { type EtcdNodeAddress, nodeName } from '../cluster/etcd-args.js'

/**
 * What `startEtcd({ networkFaults })` needs: a Toxiproxy handle from `@infra/toxiproxy-fixture` (or one of
 * its scopes' parents). Structural, so this package does not import that one.
 */
export interface NetworkFaults {
  isolated(): Promise<PeerLinkScope>
}

/** The part of a Toxiproxy scope the cluster uses: one link per ordered node pair, cut by endpoint groups. */
export interface PeerLinkScope {
  proxy(target: string, options: { name: string; listen: string; from: string; to: string }): Promise<unknown>
  partition(
    groupA: readonly string[],
    groupB: readonly string[],
    options?: { mode?: 'refuse' | 'blackhole' },
  ): Promise<readonly { name: string }[]>
  heal(): Promise<void>
  release(): Promise<void>
}

export interface PartitionOptions {
  /**
   * `refuse` (default): the peer links are down (connections reset and refused). `blackhole`: they hold all
   * data both ways, like a network dropping packets.
   */
  mode?: 'refuse' | 'blackhole'
}

export const checkNetworkFaults: OptionCheck = (value, key) => {
  if (value === undefined) return
  if (typeof (value as Partial<NetworkFaults> | null)?.isolated !== 'function') {
    throw new InvalidOptionsError(
      key,
      'expected a Toxiproxy handle: startToxiproxy() from @infra/toxiproxy-fixture',
    )
  }
}

/** The host name every node advertises for node `j`; each node resolves it through its own /etc/hosts. */
export function peerHost(j: number): string {
  return `etcd-${j}.infra.test`
}

/** The loopback address node `i` dials to reach node `j`: one per ordered pair, where that pair's link listens. */
export function pairAddress(i: number, j: number): string {
  return `127.0.${i + 1}.${j + 1}`
}

/** Node `index` advertises `http://etcd-<index>.infra.test:<peer port>` (the same URL to every member). */
export function advertisedPeerUrl(node: { index: number; listenPeerUrl: string }): string {
  return `http://${peerHost(node.index)}:${new URL(node.listenPeerUrl).port}`
}

/** Node `i`'s /etc/hosts: its own name on 127.0.0.1 (its listener), every peer `j` on the pair address i→j. */
export function hostsFileFor(i: number, cluster: readonly EtcdNodeAddress[]): string {
  const lines = ['127.0.0.1 localhost']
  for (const node of cluster) {
    lines.push(`${node.index === i ? '127.0.0.1' : pairAddress(i, node.index)} ${peerHost(node.index)}`)
  }
  return `${lines.join('\n')}\n`
}

function unshareBinary(): string {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    const candidate = path.join(dir || '.', 'unshare')
    if (fs.existsSync(candidate)) return candidate
  }
  throw new EnvironmentError(
    'networkFaults runs each etcd node in its own mount namespace and needs unshare (util-linux): apt-get install util-linux',
  )
}

/**
 * `command args` in a private mount namespace where `hostsFile` is bind-mounted over /etc/hosts (the process
 * keeps its pid through the execs). As root directly; otherwise in a user namespace (`--map-root-user`).
 */
export function inOwnHostsFile(command: string, args: readonly string[], hostsFile: string) {
  const userNs = process.getuid?.() === 0 ? [] : ['--map-root-user']
  return {
    command: unshareBinary(),
    args: [
      ...userNs,
      '--mount',
      '--propagation',
      'private',
      '--',
      '/bin/sh',
      '-c',
      'mount --bind "$0" /etc/hosts && exec "$@"',
      hostsFile,
      command,
      ...args,
    ],
  }
}

/**
 * A cluster's peer network through Toxiproxy: for every ordered pair i→j a link listening on
 * `pairAddress(i, j)`:<peer port of j> and forwarding to node j's peer listener. Node i reaches j only
 * through that link (its /etc/hosts says so), so cutting a pair's two links cuts exactly that pair.
 */
export class PeerNetwork {
  readonly #scope: PeerLinkScope
  readonly #size: number
  readonly #hostsFiles: string[]

  private constructor(scope: PeerLinkScope, size: number, hostsFiles: string[]) {
    this.#scope = scope
    this.#size = size
    this.#hostsFiles = hostsFiles
  }

  /** Creates the links and the hosts files (in `dir`) for `cluster`; a clash on a link's port is a `PortInUseError`. */
  static async create(
    faults: NetworkFaults,
    cluster: readonly EtcdNodeAddress[],
    dir: string,
  ): Promise<PeerNetwork> {
    const scope = await faults.isolated()
    try {
      for (const from of cluster) {
        for (const to of cluster) {
          if (from.index === to.index) continue
          await scope
            .proxy(`127.0.0.1:${to.peerPort}`, {
              name: `${nodeName(from.index)}->${nodeName(to.index)}`,
              listen: `${pairAddress(from.index, to.index)}:${to.peerPort}`,
              from: nodeName(from.index),
              to: nodeName(to.index),
            })
            .catch((err: Error) => {
              if (/address already in use/i.test(err.message))
                throw new PortInUseError(to.peerPort, err.message)
              throw err
            })
        }
      }
      const hostsFiles = cluster.map((node) => {
        const file = path.join(dir, `hosts-${nodeName(node.index)}`)
        fs.writeFileSync(file, hostsFileFor(node.index, cluster))
        return file
      })
      return new PeerNetwork(scope, cluster.length, hostsFiles)
    } catch (err) {
      await scope.release().catch(() => {})
      throw err
    }
  }

  /** How node `index` is spawned: inside its own mount namespace with its hosts file. */
  wrapFor(index: number): (command: string, args: readonly string[]) => { command: string; args: string[] } {
    return (command, args) => inOwnHostsFile(command, args, this.#hostsFiles[index]!)
  }

  /** Cuts every peer link between the two groups of node indexes; returns the names of the links cut. */
  async partition(
    groupA: readonly number[],
    groupB: readonly number[],
    options: PartitionOptions = {},
  ): Promise<string[]> {
    const a = this.#checkGroup('groupA', groupA)
    const b = this.#checkGroup('groupB', groupB)
    const both = a.filter((i) => b.includes(i))
    if (both.length > 0) throw new InvalidOptionsError('groupB', `node ${both.join(', ')} is in both groups`)
    const cut = await this.#scope.partition(a.map(nodeName), b.map(nodeName), options)
    return cut.map((l) => l.name)
  }

  heal(): Promise<void> {
    return this.#scope.heal()
  }

  release(): Promise<void> {
    return this.#scope.release()
  }

  #checkGroup(key: string, group: readonly number[]): number[] {
    if (!Array.isArray(group) || group.length === 0) {
      throw new InvalidOptionsError(key, 'expected a non-empty array of node indexes')
    }
    for (const i of group) {
      if (!Number.isInteger(i) || i < 0 || i >= this.#size) {
        throw new InvalidOptionsError(
          key,
          `expected node indexes from 0 to ${this.#size - 1}, got ${String(i)}`,
        )
      }
    }
    return [...group]
  }
}

/** The error for partition()/heal() on a cluster started without `networkFaults`. */
export function noNetworkFaults(operation: string, provider: string): UnsupportedOperationError {
  return new UnsupportedOperationError(
    'etcd',
    operation,
    provider,
    'start the cluster with startEtcd({ nodes: 3, networkFaults: await startToxiproxy() })',
  )
}
