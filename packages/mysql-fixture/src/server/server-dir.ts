import path from 'node:path'
import {
  chownRecursive,
  createServerDir as createOwnedServerDir,
  killServerFromPidFile,
  serverDirBase,
  type TempDir,
  type UserIds,
} from '@infra/fixture-core'

export { copyDataDir } from '@infra/fixture-core'

/** Room a server dir takes on the tmpfs (a copied data dir with InnoDB's files, plus margin). */
const SERVER_SHM_BYTES = 256 * 1024 * 1024

/**
 * A private directory (0700, owned by the server user) for one server — data, socket, pid file, init
 * file — removed by `remove()` and by the run's watchdog if the runner dies. Under the `tmpDir` option
 * as given (checked, never chmodded), else the per-user root on /dev/shm that pg-fixture uses when it
 * has room, else the run dir. Dirs of dead owners there are reaped, a mysqld still running in one killed.
 */
export async function createServerDir(
  tmpDir: string | undefined,
  ids: UserIds | undefined,
): Promise<TempDir> {
  const dir = await createOwnedServerDir({
    prefix: 'mysql',
    base: serverDirBase({
      userDir: tmpDir,
      userDirOption: 'the tmpDir option',
      what: 'the MariaDB data root',
      needBytes: SERVER_SHM_BYTES,
      needWhat: 'a MariaDB data dir',
    }),
    killLeftovers: (d) => killServerFromPidFile(path.join(d, 'mysqld.pid'), d),
  })
  chownRecursive(dir.path, ids)
  return dir
}
