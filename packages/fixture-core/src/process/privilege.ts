import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { EnvironmentError } from '../errors.js'

export interface UserIds {
  uid: number
  gid: number
  user: string
}

/** Default name of the unprivileged account servers run as when the runner is root. */
export const UNPRIVILEGED_USER = process.env.INFRA_FIXTURE_USER ?? 'infra-fixtures'

function lookup(user: string): UserIds | undefined {
  try {
    const uid = Number(
      execFileSync('id', ['-u', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    )
    const gid = Number(
      execFileSync('id', ['-g', user], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    )
    return { uid, gid, user }
  } catch {
    return undefined
  }
}

let cached: UserIds | undefined

/**
 * When this process is root, the uid/gid of an unprivileged system user (created on first use) for
 * servers that refuse to run as root (PostgreSQL). `undefined` when not root: run as yourself.
 */
export function unprivilegedUser(user = UNPRIVILEGED_USER): UserIds | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined
  if (cached?.user === user) return cached
  let ids = lookup(user)
  // parallel workers race to create it; useradd also fails while another holds the /etc/passwd lock
  for (let attempt = 0; !ids; attempt++) {
    try {
      execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', user], {
        stdio: ['ignore', 'ignore', 'pipe'],
      })
    } catch (err) {
      ids = lookup(user)
      if (ids) break
      if (attempt >= 20) {
        throw new EnvironmentError(
          `Running as root, but could not create the unprivileged user '${user}' that servers like PostgreSQL need: ` +
            `${(err as Error).message}. Create it yourself (useradd --system ${user}) or run the tests as a normal user.`,
          { cause: err },
        )
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50 + attempt * 25)
    }
    ids ??= lookup(user)
  }
  if (!ids) throw new EnvironmentError(`user '${user}' vanished right after it was created`)
  cached = ids
  return ids
}

/** chown -R: hands a directory tree to `ids` (no-op when ids is undefined). */
export function chownRecursive(target: string, ids: Pick<UserIds, 'uid' | 'gid'> | undefined): void {
  if (!ids) return
  const walk = (p: string) => {
    fs.lchownSync(p, ids.uid, ids.gid)
    const st = fs.lstatSync(p)
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e))
  }
  walk(target)
}
