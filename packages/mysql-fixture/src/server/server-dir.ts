import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {
  chownRecursive,
  createTempDir,
  ensureSafeDir,
  getWatchdog,
  isPidAlive,
  perUserName,
  privateDirMode,
  type UserIds,
} from '@infra/fixture-core'

export interface ServerDir {
  readonly path: string
  remove(): Promise<void>
}

const SHM = '/dev/shm'
const PREFIX = 'mysql'

/** `/dev/shm` when it is a writable tmpfs (Linux). */
function shmRoot(): string | undefined {
  if (process.platform !== 'linux') return undefined
  try {
    fs.accessSync(SHM, fs.constants.W_OK)
    const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n')
    return mounts.some((l) => l.split(' ')[1] === SHM && l.split(' ')[2] === 'tmpfs') ? SHM : undefined
  } catch {
    return undefined
  }
}

/** Removes directories of owners that died without their watchdog cleaning up (best effort). */
function reapDeadOwners(root: string): void {
  let entries: string[]
  try {
    entries = fs.readdirSync(root)
  } catch {
    return
  }
  for (const name of entries) {
    const m = new RegExp(`^${PREFIX}-(\\d+)-[0-9a-f]+$`).exec(name)
    if (!m || isPidAlive(Number(m[1]))) continue
    try {
      const pid = Number(fs.readFileSync(path.join(root, name, 'mysqld.pid'), 'utf8'))
      if (isPidAlive(pid)) continue // a server still runs there: its watchdog owns it
    } catch {
      // no server
    }
    fs.rmSync(path.join(root, name), { recursive: true, force: true })
  }
}

let reaped = false

/**
 * A private directory (0700, owned by the server user) for one server — data, socket, pid file, init
 * file — removed by `remove()` and by the run's watchdog if the runner dies. On a tmpfs when available.
 */
export async function createServerDir(
  tmpDir: string | undefined,
  ids: UserIds | undefined,
): Promise<ServerDir> {
  // the option as given (checked, never chmodded), else the per-user root on /dev/shm that pg-fixture uses
  // (0700; 0711 for root, whose server user must traverse it): never a root shared between users
  const base = tmpDir
    ? ensureSafeDir(tmpDir, { what: 'the tmpDir option', envVar: 'the tmpDir option', userGiven: true })
    : shmRoot()
      ? ensureSafeDir(perUserName(SHM, 'infra-fixtures'), {
          what: 'the MariaDB data root',
          envVar: 'the tmpDir option',
          userGiven: false,
          mode: privateDirMode(),
        })
      : undefined
  let dir: ServerDir
  if (!base) {
    dir = await createTempDir(PREFIX, { mode: 0o700 })
  } else {
    if (!reaped) {
      reaped = true
      reapDeadOwners(base)
    }
    const p = path.join(base, `${PREFIX}-${process.pid}-${crypto.randomBytes(5).toString('hex')}`)
    const watchdog = await getWatchdog()
    await watchdog.registerDir(p)
    fs.mkdirSync(p, { mode: 0o700 })
    let removal: Promise<void> | undefined
    dir = {
      path: p,
      remove() {
        removal ??= (async () => {
          await fs.promises.rm(p, { recursive: true, force: true, maxRetries: 3 })
          await watchdog.unregisterDir(p).catch(() => {})
        })()
        return removal
      },
    }
  }
  chownRecursive(dir.path, ids)
  return dir
}

/**
 * Copies a data directory (~600 small files and a few large ones): directories first, then the files with
 * several copies in flight — three times faster than `fs.cp` on tmpfs. Modes are kept, and everything is
 * handed to `ids` (the server user) when we are root.
 */
export async function copyDataDir(src: string, dest: string, ids: UserIds | undefined): Promise<void> {
  const files: [string, string][] = []
  const dirs: string[] = []
  const walk = async (from: string, to: string) => {
    const st = await fs.promises.stat(from)
    await fs.promises.mkdir(to, { mode: st.mode & 0o7777 })
    await fs.promises.chmod(to, st.mode & 0o7777)
    dirs.push(to)
    const sub: Promise<void>[] = []
    for (const e of await fs.promises.readdir(from, { withFileTypes: true })) {
      const a = path.join(from, e.name)
      const b = path.join(to, e.name)
      if (e.isDirectory()) sub.push(walk(a, b))
      else files.push([a, b])
    }
    await Promise.all(sub)
  }
  await walk(src, dest)
  const chown = ids ? (p: string) => fs.promises.lchown(p, ids.uid, ids.gid) : async (_p: string) => {}
  let next = 0
  const worker = async () => {
    while (next < files.length) {
      const [a, b] = files[next++]!
      await fs.promises.copyFile(a, b)
      await chown(b)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  await Promise.all(dirs.map(chown))
}
