import fs from 'node:fs'
import path from 'node:path'
import { isPidAlive, processStartTime } from '../process/process-identity.js'

/** The file in a directory naming the process that created it: `<pid> <start time>`. */
export const OWNER_FILE = 'owner'

/** Records this process (pid and start time, so a recycled pid is not mistaken for it) as `dir`'s owner. */
export function writeOwnerFile(dir: string): void {
  fs.writeFileSync(path.join(dir, OWNER_FILE), `${process.pid} ${processStartTime(process.pid) ?? ''}`.trim())
}

/**
 * The creator of `dir` is alive: by its owner file (pid + start time), else by `namePid` (the pid in the
 * directory's name), for directories written before owner files existed.
 */
export function ownerAlive(dir: string, namePid: number): boolean {
  let tag: string
  try {
    tag = fs.readFileSync(path.join(dir, OWNER_FILE), 'utf8').trim()
  } catch {
    return isPidAlive(namePid)
  }
  const [pid, start] = tag.split(' ')
  if (!isPidAlive(Number(pid))) return false
  const now = processStartTime(Number(pid))
  return !start || now === undefined || now === start
}
