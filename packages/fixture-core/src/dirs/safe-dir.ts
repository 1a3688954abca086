import fs from 'node:fs'
import path from 'node:path'
import { EnvironmentError } from '../errors.js'

export interface SafeDirOptions {
  /** Words for the error, e.g. 'the run directory root'. */
  what: string
  /** The env variable that sets this directory, named in every error. */
  envVar: string
  /** Set by the user (env or option): never replaced and never chmodded, only checked. */
  userGiven: boolean
  /** Mode of a directory created here. Default 0o700. */
  mode?: number
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0
}

/** The uid this process runs as (`undefined` off POSIX). */
export function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined
}

/**
 * Mode of a per-user directory: 0700, or 0711 for root, whose servers run as an unprivileged user
 * and must traverse it to reach their own subdirectories (they still cannot list it).
 */
export function privateDirMode(): number {
  return isRoot() ? 0o711 : 0o700
}

/** `<parent>/<name>-<uid>`: one directory per user, so nobody else can pre-create or share it. */
export function perUserName(parent: string, name: string): string {
  const uid = currentUid()
  return path.join(parent, uid === undefined ? name : `${name}-${uid}`)
}

function fail(dir: string, opts: SafeDirOptions, problem: string, cause?: unknown): never {
  const fix = opts.userGiven
    ? `Fix it or set ${opts.envVar} to a directory you own that only you can write.`
    : `Remove it (it is a default path) or set ${opts.envVar} to a directory you own that only you can write.`
  throw new EnvironmentError(`Cannot use ${opts.what} ${dir}: ${problem}. ${fix}`, { cause })
}

/**
 * Creates `dir` if missing (mode `opts.mode`, 0700 by default) and checks that it is safe to keep
 * our files and executables in: a directory (not a symlink, for default paths), owned by us (or a
 * root-owned sticky dir like /tmp, for user-given paths), not writable by group or others unless
 * sticky, and writable by us. Never changes the mode of a directory that already existed.
 * Every problem is an `EnvironmentError` naming the path and `opts.envVar`.
 */
export function ensureSafeDir(dir: string, opts: SafeDirOptions): string {
  const existed = fs.existsSync(dir)
  try {
    fs.mkdirSync(dir, { recursive: true, mode: opts.mode ?? 0o700 })
    if (!existed) fs.chmodSync(dir, opts.mode ?? 0o700) // umask may have narrowed it; ours to set
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    fail(dir, opts, `it cannot be created (${code}: ${(err as Error).message})`, err)
  }
  const st = (opts.userGiven ? fs.statSync : fs.lstatSync)(dir)
  if (st.isSymbolicLink()) fail(dir, opts, 'it is a symbolic link (someone else may control where it points)')
  if (!st.isDirectory()) fail(dir, opts, 'it is not a directory (ENOTDIR)')
  const uid = currentUid()
  const sticky = (st.mode & 0o1000) !== 0
  if (uid !== undefined) {
    const trustedShared = opts.userGiven && st.uid === 0 && sticky
    if (st.uid !== uid && !trustedShared) {
      fail(
        dir,
        opts,
        `it belongs to uid ${st.uid}, not to you (uid ${uid}): another user may have planted it`,
      )
    }
    if ((st.mode & 0o022) !== 0 && !sticky) {
      fail(dir, opts, `it is writable by group or others (mode ${(st.mode & 0o7777).toString(8)})`)
    }
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK)
  } catch (err) {
    fail(dir, opts, `it is not writable by you (${(err as NodeJS.ErrnoException).code})`, err)
  }
  return dir
}

/** Turns an fs error on a path under a configured directory into an `EnvironmentError` naming both. */
export function environmentErrorFor(err: unknown, target: string, envVar: string): unknown {
  const code = (err as NodeJS.ErrnoException)?.code
  if (!code || !['ENOTDIR', 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'ENOENT', 'EEXIST'].includes(code))
    return err
  return new EnvironmentError(
    `Cannot write ${target} (${code}: ${(err as Error).message}). Check the directory, or set ${envVar} to a writable directory you own.`,
    { cause: err },
  )
}
