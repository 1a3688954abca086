// Temp dirs of this test are named infra-release-test-* and hold owner.pid; a run that was SIGKILLed
// cannot remove its own, so the next run removes those whose owner is gone.
import { readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { removeDir } from './run.mjs'

export const TEMP_PREFIX = 'infra-release-test-'

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === 'EPERM'
  }
}

export function reapStaleTempDirs() {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(TEMP_PREFIX)) continue
    const dir = join(tmpdir(), entry)
    let owner = 0
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'))
    } catch {
      continue // being created right now, or not ours
    }
    if (owner > 0 && owner !== process.pid && !alive(owner)) removeDir(dir)
  }
}
