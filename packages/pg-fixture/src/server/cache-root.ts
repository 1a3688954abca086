import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  type BuildOnceOptions,
  buildOnce,
  cacheRoot,
  debugLogger,
  EnvironmentError,
  perUserName,
  type UserIds,
} from '@infra/fixture-core'

const debug = debugLogger('infra:postgres')

/** True when every existing ancestor of `dir` lets "others" traverse it. */
export function traversableByOthers(dir: string): boolean {
  let p = path.resolve(dir)
  for (;;) {
    try {
      const st = fs.statSync(p)
      if ((st.mode & 0o001) === 0) return false
    } catch {
      // not created yet: only its existing ancestors matter
    }
    const parent = path.dirname(p)
    if (parent === p) return true
    p = parent
  }
}

/**
 * The cache root for PostgreSQL artifacts. When servers run as an unprivileged user (we are root)
 * they must reach the cached binaries: a default root-only cache (`/root/.cache`) is swapped for a
 * per-user one under the OS temp dir (`infra-fixtures-cache-0`, 0711, refused if someone else owns
 * it). An `INFRA_CACHE_DIR` the user set is never replaced: if the server user cannot reach it,
 * that is an `EnvironmentError` saying so.
 */
export function pgCacheRoot(ids: UserIds | undefined): string | undefined {
  if (!ids) return undefined
  const given = process.env.INFRA_CACHE_DIR
  if (given) {
    if (traversableByOthers(given)) return undefined
    throw new EnvironmentError(
      `INFRA_CACHE_DIR=${given} cannot be reached by the user '${ids.user}' that PostgreSQL runs as when the tests run as root: ` +
        'every directory on its path needs o+x (the library never changes the mode of a directory you gave). ' +
        'Run chmod o+x on them, or unset INFRA_CACHE_DIR.',
    )
  }
  if (traversableByOthers(cacheRoot())) return undefined
  return perUserName(os.tmpdir(), 'infra-fixtures-cache')
}

/** `buildOnce` that tells `DEBUG=infra:postgres` whether the artifact was a cache hit or had to be built. */
export async function buildCached(opts: BuildOnceOptions): Promise<string> {
  const t0 = Date.now()
  let built = false
  const dir = await buildOnce({
    ...opts,
    build: (out) => {
      built = true
      return opts.build(out)
    },
  })
  debug?.(
    `postgres (starting): ${opts.kind} cache ${built ? `miss, built in ${Date.now() - t0} ms` : 'hit'}: ${dir}`,
  )
  return dir
}
