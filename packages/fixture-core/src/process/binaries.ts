import fs from 'node:fs'
import path from 'node:path'
import { BinaryNotFoundError } from '../errors.js'

export interface BinarySpec {
  /** Executable name, e.g. `redis-server`. */
  name: string
  /** Env variable holding a full path to the binary (or to a directory containing it, or its `bin/`). */
  envVar?: string
  /**
   * A path given as an option (binary, its directory, or a home with `bin/`): checked first, like the env
   * override, and never silently replaced by another binary. `explicitName` names it in errors.
   */
  explicit?: string
  explicitName?: string
  /** What to run to get it, e.g. `apt-get install redis-server (or bash tooling/bootstrap.sh)`. */
  installHint: string
  /** Well-known install directories, searched after PATH. */
  knownDirs?: readonly string[]
  /** Last resort: binaries shipped in an npm package; returns a path or undefined. */
  fromNpm?: () => string | undefined
  /**
   * Checks a found executable (e.g. its version): returns undefined to take it, or why not (listed in the
   * error). A rejected override is an error; a rejected PATH/known-dir candidate lets the search go on.
   */
  accept?: (path: string) => string | undefined
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
  const notFound = () =>
    new BinaryNotFoundError(spec.name, { envVar: spec.envVar, installHint: spec.installHint, searched })
  /** The candidate if it is executable and accepted; records why not. */
  const take = (c: string, label: string): string | undefined => {
    if (!isExecutable(c)) return undefined
    const rejected = spec.accept?.(c)
    if (rejected === undefined) return c
    searched.push(`${label}: ${c} (${rejected})`)
    return undefined
  }
  const overrides: [string | undefined, string][] = [
    [spec.explicit, spec.explicitName ?? 'the explicit path'],
    [spec.envVar ? process.env[spec.envVar] : undefined, `$${spec.envVar}`],
  ]
  for (const [override, label] of overrides) {
    if (!override) continue
    const candidates = [override, path.join(override, spec.name), path.join(override, 'bin', spec.name)]
    for (const c of candidates) {
      const found = take(c, label)
      if (found) return found
    }
    if (!searched.some((s) => s.startsWith(`${label}:`))) {
      searched.push(`${label}=${override} (not an executable '${spec.name}')`)
    }
    // an explicit override that is wrong is an error, not a reason to silently use something else
    throw notFound()
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const found = take(path.join(dir, spec.name), 'PATH')
    if (found) return found
  }
  searched.push('PATH')
  for (const dir of spec.knownDirs ?? []) {
    const found = take(path.join(dir, spec.name), dir)
    if (found) return found
    searched.push(dir)
  }
  if (spec.fromNpm) {
    try {
      const p = spec.fromNpm()
      const found = p ? take(p, 'npm package') : undefined
      if (found) return found
      searched.push(p ? `npm package (${p})` : 'npm packages')
    } catch (err) {
      searched.push(`npm packages (${(err as Error).message})`)
    }
  }
  throw notFound()
}
