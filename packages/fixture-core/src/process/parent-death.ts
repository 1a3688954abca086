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

/**
 * Wraps a command so that the kernel SIGKILLs it when the process that spawned it dies
 * (`setpriv --pdeathsig KILL`, i.e. prctl(PR_SET_PDEATHSIG)). `setpriv` runs after the privilege
 * drop of `spawn({ uid })` and then execs the server (same pid), so the setting survives: Linux
 * clears it on a uid change, not on exec. This guards the servers even when the runner and all its
 * watchdogs are SIGKILLed at once. Returns the command unchanged where `setpriv` is missing or the
 * command cannot be found (the spawn error then names the command as before).
 */
export function withParentDeathSignal(
  command: string,
  args: readonly string[],
  searchPath?: string,
): { command: string; args: string[]; wrapped: boolean } {
  const wrapper = setprivBinary()
  const target = wrapper ? findExecutable(command, searchPath) : undefined
  if (!wrapper || !target) return { command, args: [...args], wrapped: false }
  return { command: wrapper, args: ['--pdeathsig', 'KILL', '--', target, ...args], wrapped: true }
}
