import fs from 'node:fs'
import path from 'node:path'

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK)
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** `command` as an absolute path: itself when it has a slash, else the first match on `PATH`. */
export function findExecutable(command: string, searchPath = process.env.PATH ?? ''): string | undefined {
  if (command.includes('/')) return isExecutable(command) ? path.resolve(command) : undefined
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, command)
    if (isExecutable(candidate)) return candidate
  }
  return undefined
}

let setpriv: string | null | undefined

/** util-linux `setpriv` (every Debian has it), or `undefined` where there is none (not Linux). */
function setprivBinary(): string | undefined {
  if (setpriv === undefined) {
    setpriv =
      process.platform === 'linux'
        ? (findExecutable('setpriv', `${process.env.PATH ?? ''}:/usr/bin:/bin`) ?? null)
        : null
  }
  return setpriv ?? undefined
}

let shell: string | null | undefined

/** A POSIX `sh` for the parent check, or `undefined` (then the check is skipped). */
function shellBinary(): string | undefined {
  if (shell === undefined) shell = ['/bin/sh', '/usr/bin/sh'].find(isExecutable) ?? null
  return shell ?? undefined
}

/**
 * Run by `sh` right after `setpriv` set the death signal: if the spawner already died (we were
 * reparented before the prctl, which then never fires), exit instead of running the server; else exec
 * it (same pid, the signal stays armed). `$1` is the spawner's pid.
 */
const PARENT_CHECK = '[ "$PPID" = "$1" ] || exit 137; shift; exec "$@"'

/**
 * Wraps a command so that the kernel SIGKILLs it when the process that spawned it dies
 * (`setpriv --pdeathsig KILL`, i.e. prctl(PR_SET_PDEATHSIG)). `setpriv` runs after the privilege
 * drop of `spawn({ uid })` and then execs the server (same pid), so the setting survives: Linux
 * clears it on a uid change, not on exec. A `sh` between them closes the race of a spawner dying
 * before the prctl (its parent pid no longer ours: it exits). This guards the servers even when the
 * runner and all its watchdogs are SIGKILLed at once, at any moment of a start. Returns the command
 * unchanged where `setpriv` is missing or the command cannot be found (the spawn error then names
 * the command as before).
 */
export function withParentDeathSignal(
  command: string,
  args: readonly string[],
  searchPath?: string,
): { command: string; args: string[]; wrapped: boolean } {
  const wrapper = setprivBinary()
  const target = wrapper ? findExecutable(command, searchPath) : undefined
  if (!wrapper || !target) return { command, args: [...args], wrapped: false }
  const sh = shellBinary()
  const checked = sh ? [sh, '-c', PARENT_CHECK, 'infra-parent-check', String(process.pid)] : []
  return { command: wrapper, args: ['--pdeathsig', 'KILL', '--', ...checked, target, ...args], wrapped: true }
}
