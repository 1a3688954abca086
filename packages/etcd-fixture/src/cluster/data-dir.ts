import fs from 'node:fs'
import { createServerDir, serverDirBase, type TempDir } from '@infra/fixture-core'

/**
 * What one node takes on a tmpfs: etcd 3.4 preallocates its 64 MB WAL segment and the next one (fallocate
 * makes them real pages on a tmpfs), plus the bbolt file.
 */
export const NODE_SHM_BYTES = 130 * 1024 * 1024

/**
 * The parent of cluster dirs: `dataRoot` as given (checked, never chmodded); else a per-user dir on
 * /dev/shm when it is a tmpfs with room for `nodes` nodes; else undefined (the run dir on disk).
 */
export function clusterDirBase(
  dataRoot: string | undefined,
  nodes: number,
  shm?: string,
): string | undefined {
  return serverDirBase({
    userDir: dataRoot,
    userDirOption: 'the dataRoot option',
    what: 'the etcd data root',
    needBytes: nodes * NODE_SHM_BYTES + 64 * 1024 * 1024,
    needWhat: `the ${nodes} etcd node(s) preallocating there`,
    shm,
  })
}

/** Pids of the etcd processes whose `--data-dir` lies in `dir`. */
function etcdPidsIn(dir: string): number[] {
  const needle = `--data-dir=${dir}/`
  const pids: number[] = []
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (
        fs
          .readFileSync(`/proc/${entry}/cmdline`, 'utf8')
          .split('\0')
          .some((a) => a.startsWith(needle))
      ) {
        pids.push(Number(entry))
      }
    } catch {
      // gone, or not ours to read
    }
  }
  return pids
}

/**
 * The directory of one cluster (a `node-<i>` data dir per node inside), removed by `remove()` and by the
 * run's watchdog if the runner dies. See {@link clusterDirBase} for where it goes. Clusters of dead
 * owners found there are reaped, any etcd node still running on one of them killed first.
 */
export function createClusterDir(dataRoot: string | undefined, nodes: number): Promise<TempDir> {
  return createServerDir({
    prefix: 'etcd',
    base: clusterDirBase(dataRoot, nodes),
    killLeftovers: (dir) => {
      for (const pid of etcdPidsIn(dir)) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    },
  })
}
