import fs from 'node:fs'
import path from 'node:path'
import { BinaryNotFoundError } from './errors.js'

export interface BinarySpec {
  /** Executable name, e.g. `redis-server`. */
  name: string
  /** Env variable holding a full path to the binary (or to a directory containing it). */
  envVar?: string
  /** What to run to get it, e.g. `apt-get install redis-server (or bash tooling/bootstrap.sh)`. */
  installHint: string
  /** Well-known install directories, searched after PATH. */
  knownDirs?: readonly string[]
  /** Last resort: binaries shipped in an npm package; returns a path or undefined. */
  fromNpm?: () => string | undefined
}

function isExecutable(p: string): boolean {
  try {
    const st = fs.statSync(p)
    if (!st.isFile()) return false
    fs.accessSync(p, fs.constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Finds a server binary: env override → PATH → known install dirs → npm-shipped binaries.
 * Throws {@link BinaryNotFoundError} naming the env variable and the install command.
 */
export function resolveBinary(spec: BinarySpec): string {
  const searched: string[] = []
  const fromEnv = spec.envVar ? process.env[spec.envVar] : undefined
  if (fromEnv) {
    const candidates = [fromEnv, path.join(fromEnv, spec.name)]
    for (const c of candidates) if (isExecutable(c)) return c
    searched.push(`$${spec.envVar}=${fromEnv} (not an executable '${spec.name}')`)
    // an explicit override that is wrong is an error, not a reason to silently use something else
    throw new BinaryNotFoundError(spec.name, { envVar: spec.envVar, installHint: spec.installHint, searched })
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const c = path.join(dir, spec.name)
    if (isExecutable(c)) return c
  }
  searched.push('PATH')
  for (const dir of spec.knownDirs ?? []) {
    const c = path.join(dir, spec.name)
    if (isExecutable(c)) return c
    searched.push(dir)
  }
  if (spec.fromNpm) {
    try {
      const p = spec.fromNpm()
      if (p && isExecutable(p)) return p
      searched.push(p ? `npm package (${p})` : 'npm packages')
    } catch (err) {
      searched.push(`npm packages (${(err as Error).message})`)
    }
  }
  throw new BinaryNotFoundError(spec.name, { envVar: spec.envVar, installHint: spec.installHint, searched })
}
