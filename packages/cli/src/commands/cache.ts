import fs from 'node:fs'
import path from 'node:path'
import { cacheRoot } from '@infra/fixture-core'

/** Total size in bytes of the files under `dir` (0 when it does not exist). */
export function dirSize(dir: string): number {
  if (!fs.existsSync(dir)) return 0
  let total = 0
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += fs.lstatSync(path.join(entry.parentPath, entry.name)).size
  }
  return total
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

/**
 * `infra cache path|prune [--dry-run]`: the fixtures' build cache (`cacheRoot()`: `INFRA_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/infra-fixtures`). Pruning removes it whole; the next start rebuilds what it needs
 * (initdb templates, unpacked binaries; Kafka jars must be fetched again).
 */
export function cache(action: string | undefined, opts: { dryRun: boolean }): number {
  const root = cacheRoot()
  if (action === 'path') {
    process.stdout.write(`${root}\n`)
    return 0
  }
  const size = dirSize(root)
  if (opts.dryRun) {
    process.stdout.write(`would remove ${root} (${mb(size)})\n`)
    return 0
  }
  fs.rmSync(root, { recursive: true, force: true })
  process.stdout.write(`removed ${root} (${mb(size)})\n`)
  return 0
}
