import os from 'node:os'
import path from 'node:path'
import { perUserName } from './safe-dir.js'

/** Root of all run directories: `$INFRA_TMP_DIR`, or `<os tmp>/infra-fixtures-<uid>`. */
export function runsRoot(): string {
  return process.env.INFRA_TMP_DIR || perUserName(os.tmpdir(), 'infra-fixtures')
}

/** Root of the build-once cache: `$INFRA_CACHE_DIR` or `~/.cache/infra-fixtures`. */
export function cacheRoot(): string {
  return (
    process.env.INFRA_CACHE_DIR ||
    path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'infra-fixtures')
  )
}
