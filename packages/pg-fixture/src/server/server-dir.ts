import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {
  createTempDir,
  ensureSafeDir,
  getWatchdog,
  isPidAlive,
  perUserName,
  privateDirMode,
  processStartTime,
  type UserIds,
} from '@infra/fixture-core'

export interface ServerDir {
  readonly path: string
  remove(): Promise<void>
}

const SHM = '/dev/shm'

/** `shm` (default /dev/shm) when it is a writable tmpfs (Linux): creating ~1 000 files there is ~6× faster than on ext4. */
function shmRoot(shm = SHM): string | undefined {
  if (process.platform !== 'linux') return undefined
  try {
    fs.accessSync(shm, fs.constants.W_OK)
    const mounts = fs.readFileSync('/proc/mounts', 'utf8')
    return mounts.split('\n').some((l) => l.split(' ')[1] === shm && l.split(' ')[2] === 'tmpfs')
      ? shm
      : undefined
  } catch {
    return undefined
  }
}

/** Total size of the files under `dir` (what a copy of it takes). */
export function dirBytes(dir: string): number {
  let total = 0
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath ?? e.path, e.name)).size
  }
  return total
}

/** The owner (pid + start time, from the dir's `owner` file, else the pid in its name) is alive. */
function ownerAlive(dir: string, namePid: number): boolean {
  try {
    const [pid, start] = fs.readFileSync(path.join(dir, 'owner'), 'utf8').trim().split(' ')
    if (!isPidAlive(Number(pid))) return false
    const now = processStartTime(Number(pid))
    return !start || now === undefined || now === start
  } catch {
    return isPidAlive(namePid)
  }
}

/**
 * Removes the server dirs of dead owners, whatever is alive inside: a postmaster that outlived its
 * owner (found by its postmaster.pid, and only if its command line names this data dir) is killed.
 */
function reapDeadOwners(root: string): void {
  let entries: string[]
  try {
    entries = fs.readdirSync(root)
  } catch {
    return
  }
  for (const name of entries) {
    const m = /^pg-(\d+)-[0-9a-f]+$/.exec(name)
    const dir = path.join(root, name)
    if (!m || ownerAlive(dir, Number(m[1]))) continue
    const dataDir = path.join(dir, 'data')
    try {
      const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0])
      if (isPidAlive(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dataDir)) {
        process.kill(pid, 'SIGKILL') // its backends follow (they watch the postmaster)
      }
    } catch {
      // no server left
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

let reaped = false
/** Below this much free space /dev/shm is not used: a migrated template plus its pooled clones fill it. */
const MIN_SHM_FREE = 512 * 1024 * 1024

/** Free bytes on the file system holding `dir` (undefined when unknown). */
function freeBytes(dir: string): number | undefined {
  try {
    const st = fs.statfsSync(dir)
    return st.bavail * st.bsize
  } catch {
    return undefined
  }
}

/**
 * The base for server dirs: the `tmpDir` option as given (checked, never chmodded), else a per-user
 * dir on /dev/shm (0700; 0711 for root, whose server user must traverse it) when it is a tmpfs with
 * room for the template and its clones, else `undefined` (the run dir on disk).
 */
export function serverDirBase(
  tmpDir: string | undefined,
  templateBytes: number,
  shm = SHM,
): string | undefined {
  if (tmpDir) {
    return ensureSafeDir(tmpDir, { what: 'the tmpDir option', envVar: 'the tmpDir option', userGiven: true })
  }
  if (!shmRoot(shm)) return undefined
  const need = Math.max(MIN_SHM_FREE, templateBytes * 20)
  const free = freeBytes(shm)
  if (free !== undefined && free < need) {
    process.emitWarning(
      `${shm} has ${Math.round(free / 2 ** 20)} MB free, less than the ${Math.round(need / 2 ** 20)} MB a PostgreSQL data dir with its pooled clones may need: using the disk temp dir (INFRA_TMP_DIR) instead`,
      'InfraFixtureWarning',
    )
    return undefined
  }
  return ensureSafeDir(perUserName(shm, 'infra-fixtures'), {
    what: 'the PostgreSQL data root',
    envVar: 'the tmpDir option',
    userGiven: false,
    mode: privateDirMode(),
  })
}

/**
 * A directory for one server's data, removed by `remove()` and by the run's watchdog if the runner
 * dies. On a tmpfs when available and big enough (see {@link serverDirBase}), else under the run
 * directory. `templateBytes`: size of the data dir it will hold.
 */
export async function createServerDir(tmpDir: string | undefined, templateBytes = 0): Promise<ServerDir> {
  const base = serverDirBase(tmpDir, templateBytes)
  if (!base) return createTempDir('pg', { mode: 0o755 })
  if (!reaped) {
    reaped = true
    reapDeadOwners(base)
  }
  const dir = path.join(base, `pg-${process.pid}-${crypto.randomBytes(5).toString('hex')}`)
  const watchdog = await getWatchdog()
  await watchdog.registerDir(dir)
  fs.mkdirSync(dir, { mode: 0o755 })
  fs.chmodSync(dir, 0o755)
  fs.writeFileSync(path.join(dir, 'owner'), `${process.pid} ${processStartTime(process.pid) ?? ''}`.trim())
  let removed = false
  return {
    path: dir,
    async remove() {
      if (removed) return
      removed = true
      await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 })
      await watchdog.unregisterDir(dir).catch(() => {})
    },
  }
}

/**
 * Copies a data directory: directories first, then the ~1 000 files with several copies in flight
 * (per-file creation dominates; this beats `cp -a` by about a third on tmpfs). Modes are kept, and
 * everything is handed to `ids` (the server user) when we are root.
 */
export async function copyDataDir(src: string, dest: string, ids: UserIds | undefined): Promise<void> {
  const files: [string, string][] = []
  const links: [string, string][] = []
  const dirs: string[] = []
  const walk = async (from: string, to: string) => {
    const st = await fs.promises.stat(from)
    await fs.promises.mkdir(to, { mode: st.mode & 0o7777 })
    await fs.promises.chmod(to, st.mode & 0o7777)
    dirs.push(to)
    const entries = await fs.promises.readdir(from, { withFileTypes: true })
    const sub: Promise<void>[] = []
    for (const e of entries) {
      const a = path.join(from, e.name)
      const b = path.join(to, e.name)
      if (e.isDirectory()) sub.push(walk(a, b))
      else if (e.isSymbolicLink()) links.push([a, b])
      else files.push([a, b])
    }
    await Promise.all(sub)
  }
  await walk(src, dest)
  for (const [a, b] of links) await fs.promises.symlink(await fs.promises.readlink(a), b)
  let next = 0
  const chown = ids ? (p: string) => fs.promises.lchown(p, ids.uid, ids.gid) : async (_p: string) => {}
  const worker = async () => {
    while (next < files.length) {
      const [a, b] = files[next++]!
      await fs.promises.copyFile(a, b)
      await chown(b)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  await Promise.all([...dirs, ...links.map(([, b]) => b)].map(chown))
}
