import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { chownRecursive, createTempDir, getWatchdog, isPidAlive, type UserIds } from '@infra/fixture-core'

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
  const base = tmpDir ?? (shmRoot() ? path.join(SHM, 'infra-fixtures') : undefined)
  let dir: ServerDir
  if (!base) {
    dir = await createTempDir(PREFIX, { mode: 0o700 })
  } else {
    fs.mkdirSync(base, { recursive: true, mode: 0o755 })
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

/** Copies a data directory (modes kept) and hands it to the server user. */
export async function copyDataDir(src: string, dest: string, ids: UserIds | undefined): Promise<void> {
  await fs.promises.cp(src, dest, { recursive: true, preserveTimestamps: false })
  chownRecursive(dest, ids)
}
