import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { ownerAlive, writeOwnerFile } from './owner.js'
import { ensureSafeDir, perUserName, privateDirMode } from './safe-dir.js'
import { createRegisteredDir, createTempDir, type TempDir } from './temp-dir.js'

const SHM = '/dev/shm'

/** `dir` is a writable tmpfs mount point (Linux): fsync and file creation cost almost nothing there. */
export function isWritableTmpfs(dir: string): boolean {
  if (process.platform !== 'linux') return false
  try {
    fs.accessSync(dir, fs.constants.W_OK)
    const mounts = fs.readFileSync('/proc/mounts', 'utf8').split('\n')
    return mounts.some((l) => l.split(' ')[1] === dir && l.split(' ')[2] === 'tmpfs')
  } catch {
    return false
  }
}

/** Free bytes for us on the file system holding `dir` (undefined when unknown). */
export function freeBytes(dir: string): number | undefined {
  try {
    const st = fs.statfsSync(dir)
    return st.bavail * st.bsize
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

export interface ServerDirBaseOptions {
  /** A directory the user gave (option or env): checked, never chmodded, used as is. */
  userDir?: string
  /** How the user sets it, named in errors and warnings, e.g. 'the tmpDir option'. */
  userDirOption: string
  /** Words for errors, e.g. 'the PostgreSQL data root'. */
  what: string
  /** Free bytes the server dirs need on the tmpfs; with less, the disk run dir is used (with a warning). */
  needBytes: number
  /** What needs them, for the warning, e.g. 'a PostgreSQL data dir with its pooled clones'. */
  needWhat: string
  /** The tmpfs to use. Default /dev/shm. */
  shm?: string
}

/**
 * Where a server's private directories go: the user's dir as given; else a per-user dir on /dev/shm
 * (0700; 0711 for root, whose server user must traverse it) when it is a tmpfs with `needBytes` free;
 * else `undefined`, meaning the run directory on disk.
 */
export function serverDirBase(o: ServerDirBaseOptions): string | undefined {
  if (o.userDir) {
    return ensureSafeDir(o.userDir, { what: o.userDirOption, envVar: o.userDirOption, userGiven: true })
  }
  const shm = o.shm ?? SHM
  if (!isWritableTmpfs(shm)) return undefined
  const free = freeBytes(shm)
  if (free !== undefined && free < o.needBytes) {
    process.emitWarning(
      `${shm} has ${Math.round(free / 2 ** 20)} MB free, less than the ${Math.round(o.needBytes / 2 ** 20)} MB ${o.needWhat} may need: using the disk temp dir (INFRA_TMP_DIR) instead`,
      'InfraFixtureWarning',
    )
    return undefined
  }
  return ensureSafeDir(perUserName(shm, 'infra-fixtures'), {
    what: o.what,
    envVar: o.userDirOption,
    userGiven: false,
    mode: privateDirMode(),
  })
}

export interface ServerDirOptions {
  /** Name prefix: the directory is `<base>/<prefix>-<pid>-<random>`. Letters, digits, `_` and `-`. */
  prefix: string
  /** From {@link serverDirBase}; `undefined` puts the directory under the run directory. */
  base: string | undefined
  /** Mode of the directory. Default 0o700. */
  mode?: number
  /**
   * Ends what a dead owner left running in one of its directories (by the server's own pid file, never
   * by name), before the directory is removed. Called while reaping `base`.
   */
  killLeftovers?: (dir: string) => void
}

const reapedBases = new Set<string>()

/**
 * Removes the `<prefix>-<pid>-<hex>` directories in `base` whose owner is dead, whatever is alive
 * inside (`killLeftovers` ends it first). Once per base and prefix per process.
 */
function reapDeadOwners(o: ServerDirOptions & { base: string }): void {
  const key = `${o.base}\0${o.prefix}`
  if (reapedBases.has(key)) return
  reapedBases.add(key)
  let entries: string[]
  try {
    entries = fs.readdirSync(o.base)
  } catch {
    return
  }
  const pattern = new RegExp(`^${o.prefix}-(\\d+)-[0-9a-f]+$`)
  for (const name of entries) {
    const m = pattern.exec(name)
    const dir = path.join(o.base, name)
    if (!m || ownerAlive(dir, Number(m[1]))) continue
    try {
      o.killLeftovers?.(dir)
    } catch {
      // nothing left to end
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A private directory for one server (or cluster), removed by `remove()` and by the run's watchdog if
 * the runner dies; it records its owner so later runs can reap it if both die. Under `base`, or under
 * the run directory when `base` is undefined.
 */
export async function createServerDir(o: ServerDirOptions): Promise<TempDir> {
  const mode = o.mode ?? 0o700
  if (!o.base) return createTempDir(o.prefix, { mode })
  reapDeadOwners({ ...o, base: o.base })
  const dir = path.join(o.base, `${o.prefix}-${process.pid}-${crypto.randomBytes(5).toString('hex')}`)
  return createRegisteredDir(dir, mode, writeOwnerFile)
}

/**
 * SIGKILLs the server named by the first line of `pidFile`, only if it is alive and its command line
 * mentions `mustMention` (its data dir): a recycled pid is left alone. For {@link ServerDirOptions.killLeftovers}.
 */
export function killServerFromPidFile(pidFile: string, mustMention: string): void {
  let pid: number
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0])
    if (!Number.isInteger(pid) || pid <= 0) return
    if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(mustMention)) return
  } catch {
    return
  }
  try {
    process.kill(pid, 'SIGKILL')
  } catch {
    // gone meanwhile
  }
}
