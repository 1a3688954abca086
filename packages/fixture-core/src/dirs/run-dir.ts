import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

export { isPidAlive } from '../process/process-identity.js'

import { writeOwnerFile } from './owner.js'
import { reapStaleRunDirs } from './reap.js'
import { runsRoot } from './roots.js'
import { ensureSafeDir, environmentErrorFor, privateDirMode } from './safe-dir.js'

export { runsRoot } from './roots.js'

let currentRunDir: string | undefined

/** The run root, created and checked (see `ensureSafeDir`): never chmodded when the user set it. */
export function checkedRunsRoot(): string {
  return ensureSafeDir(runsRoot(), {
    what: 'the temp directory root',
    envVar: 'INFRA_TMP_DIR',
    userGiven: Boolean(process.env.INFRA_TMP_DIR),
    mode: privateDirMode(),
  })
}

/**
 * The directory of this test run (shared with worker processes through `INFRA_RUN_DIR`).
 * Created on first use with an `owner` file (pid and kernel start time of this process, so a later
 * run can tell for sure that its owner is dead); stale directories of dead runs are reaped first.
 */
export function getRunDir(): string {
  if (currentRunDir && fs.existsSync(currentRunDir)) return currentRunDir
  const inherited = process.env.INFRA_RUN_DIR
  if (inherited && fs.existsSync(inherited)) {
    currentRunDir = inherited
    return inherited
  }
  const root = checkedRunsRoot()
  reapStaleRunDirs(root)
  const dir = path.join(root, `run-${process.pid}-${crypto.randomBytes(4).toString('hex')}`)
  try {
    fs.mkdirSync(dir, { mode: privateDirMode() })
    fs.chmodSync(dir, privateDirMode())
    writeOwnerFile(dir)
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw environmentErrorFor(err, dir, 'INFRA_TMP_DIR')
  }
  currentRunDir = dir
  process.env.INFRA_RUN_DIR = dir
  return dir
}
