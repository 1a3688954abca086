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
  type TempDir,
} from '@infra/fixture-core'

const SHM = '/dev/shm'

/**
 * What one node takes on a tmpfs: etcd 3.4 preallocates its 64 MB WAL segment and the next one (fallocate
 * makes them real pages on a tmpfs), plus the bbolt file.
 */
export const NODE_SHM_BYTES = 130 * 1024 * 1024

/** `/dev/shm` when it is a writable tmpfs (Linux): etcd's fsyncs cost nothing there. */
function isTmpfs(dir: string): boolean {
  if (process.platform !== 'linux') return false
  try {
    fs.accessSync(dir, fs.constants.W_OK)
    const mounts = fs.readFileSync('/proc/mounts', 'utf8')
    return mounts.split('\n').some((l) => l.split(' ')[1] === dir && l.split(' ')[2] === 'tmpfs')
  } catch {
    return false
  }
}

function freeBytes(dir: string): number | undefined {
  try {
    const st = fs.statfsSync(dir)
    return st.bavail * st.bsize
  } catch {
    return undefined
  }
}

/**
 * The parent of cluster dirs: `dataRoot` as given (checked, never chmodded); else a per-user dir on
 * /dev/shm when it is a tmpfs with room for `nodes` nodes; else undefined (the run dir on disk).
 */
export function clusterDirBase(dataRoot: string | undefined, nodes: number, shm = SHM): string | undefined {
  if (dataRoot) {
    return ensureSafeDir(dataRoot, {
      what: 'the dataRoot option',
      envVar: 'the dataRoot option',
      userGiven: true,
    })
  }
  if (!isTmpfs(shm)) return undefined
  const need = nodes * NODE_SHM_BYTES + 64 * 1024 * 1024
  const free = freeBytes(shm)
  if (free !== undefined && free < need) {
    process.emitWarning(
      `${shm} has ${Math.round(free / 2 ** 20)} MB free, less than the ${Math.round(need / 2 ** 20)} MB ${nodes} etcd node(s) preallocate there: using the run directory on disk instead (INFRA_TMP_DIR)`,
      'InfraFixtureWarning',
    )
    return undefined
  }
  return ensureSafeDir(perUserName(shm, 'infra-fixtures'), {
    what: 'the etcd data root',
    envVar: 'the dataRoot option',
    userGiven: false,
    mode: privateDirMode(),
  })
}

/** The owner (pid + start time from the dir's `owner` file, else the pid in its name) is alive. */
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
 * Removes the cluster dirs of dead owners (their watchdog did not get to them), killing any etcd node
 * that outlived its owner and still runs on one (only a process whose `--data-dir` lies in that dir).
 */
function reapDeadOwners(root: string): void {
  let entries: string[]
  try {
    entries = fs.readdirSync(root)
  } catch {
    return
  }
  for (const name of entries) {
    const m = /^etcd-(\d+)-[0-9a-f]+$/.exec(name)
    const dir = path.join(root, name)
    if (!m || ownerAlive(dir, Number(m[1]))) continue
    for (const pid of etcdPidsIn(dir)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

const reaped = new Set<string>()

/**
 * The directory of one cluster (a `node-<i>` data dir per node inside), removed by `remove()` and by the
 * run's watchdog if the runner dies. See {@link clusterDirBase} for where it goes.
 */
export async function createClusterDir(dataRoot: string | undefined, nodes: number): Promise<TempDir> {
  const base = clusterDirBase(dataRoot, nodes)
  if (!base) return createTempDir('etcd')
  if (!reaped.has(base)) {
    reaped.add(base)
    reapDeadOwners(base)
  }
  const dir = path.join(base, `etcd-${process.pid}-${crypto.randomBytes(5).toString('hex')}`)
  const watchdog = await getWatchdog()
  await watchdog.registerDir(dir)
  fs.mkdirSync(dir, { mode: 0o700 })
  fs.writeFileSync(path.join(dir, 'owner'), `${process.pid} ${processStartTime(process.pid) ?? ''}\n`)
  let removal: Promise<void> | undefined
  const remove = () => {
    removal ??= (async () => {
      await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 3 })
      await watchdog.unregisterDir(dir).catch(() => {})
    })()
    return removal
  }
  return { path: dir, remove, [Symbol.asyncDispose]: remove }
}
