import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { createTempDir, getWatchdog, isPidAlive, type TempDir } from '@infra/fixture-core'

const SHM = '/dev/shm'

/** `/dev/shm` when it is a writable tmpfs (Linux): etcd's fsyncs cost nothing there. */
function shmRoot(): string | undefined {
  if (process.platform !== 'linux') return undefined
  try {
    fs.accessSync(SHM, fs.constants.W_OK)
    const mounts = fs.readFileSync('/proc/mounts', 'utf8')
    return mounts.split('\n').some((l) => l.split(' ')[1] === SHM && l.split(' ')[2] === 'tmpfs')
      ? SHM
      : undefined
  } catch {
    return undefined
  }
}

/** Removes cluster dirs whose owning process is gone and whose watchdog did not get to them. */
function reapDeadOwners(root: string): void {
  let entries: string[]
  try {
    entries = fs.readdirSync(root)
  } catch {
    return
  }
  for (const name of entries) {
    const m = /^etcd-(\d+)-[0-9a-f]+$/.exec(name)
    if (!m || isPidAlive(Number(m[1]))) continue
    fs.rmSync(path.join(root, name), { recursive: true, force: true })
  }
}

let reaped = false

/**
 * The directory of one cluster (a `node-<i>` data dir per node inside), removed by `remove()` and by the
 * run's watchdog if the runner dies. On /dev/shm when it is a tmpfs, else under the run directory;
 * `base` overrides both.
 */
export async function createClusterDir(base?: string): Promise<TempDir> {
  const root = base ?? (shmRoot() ? path.join(SHM, 'infra-fixtures') : undefined)
  if (!root) return createTempDir('etcd')
  fs.mkdirSync(root, { recursive: true, mode: 0o755 })
  if (!reaped) {
    reaped = true
    reapDeadOwners(root)
  }
  const dir = path.join(root, `etcd-${process.pid}-${crypto.randomBytes(5).toString('hex')}`)
  const watchdog = await getWatchdog()
  await watchdog.registerDir(dir)
  fs.mkdirSync(dir, { mode: 0o700 })
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
