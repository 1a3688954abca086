import path from 'node:path'
import {
  createServerDir as createOwnedServerDir,
  killServerFromPidFile,
  serverDirBase as ownedServerDirBase,
  type TempDir,
} from '@infra/fixture-core'

/** Below this much free space the tmpfs is not used: a migrated template plus its pooled clones fill it. */
const MIN_SHM_FREE = 512 * 1024 * 1024

/**
 * The base for PostgreSQL server dirs: the `tmpDir` option as given (checked, never chmodded), else a
 * per-user dir on the tmpfs `shm` (default /dev/shm) when it has room for the template and its clones
 * (20 copies, at least 512 MiB), else `undefined` (the run dir on disk).
 */
export function serverDirBase(
  tmpDir: string | undefined,
  templateBytes: number,
  shm?: string,
): string | undefined {
  return ownedServerDirBase({
    userDir: tmpDir,
    userDirOption: 'the tmpDir option',
    what: 'the PostgreSQL data root',
    needBytes: Math.max(MIN_SHM_FREE, templateBytes * 20),
    needWhat: 'a PostgreSQL data dir with its pooled clones',
    shm,
  })
}

/**
 * A directory (0755) for one server's data, removed by `remove()` and by the run's watchdog if the
 * runner dies. On a tmpfs when available and big enough (see {@link serverDirBase}), else under the
 * run directory. Dirs of dead owners there are reaped, a postmaster still running in one killed (by its
 * postmaster.pid, only if its command line names that data dir). `templateBytes`: size of the data dir
 * it will hold.
 */
export function createServerDir(tmpDir: string | undefined, templateBytes = 0): Promise<TempDir> {
  return createOwnedServerDir({
    prefix: 'pg',
    base: serverDirBase(tmpDir, templateBytes),
    mode: 0o755,
    killLeftovers: (dir) => {
      const dataDir = path.join(dir, 'data')
      killServerFromPidFile(path.join(dataDir, 'postmaster.pid'), dataDir) // its backends follow
    },
  })
}
