import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { debugLogger } from '../debug-log.js'
import { getRunDir } from './run-dir.js'

// What a run registered with its watchdogs, also on disk (<runDir>/journal/), so that a later run
// can clean up after a run whose runner and watchdogs all died at once (pkill -9 node).

const debug = debugLogger('infra:watchdog')

export function journalPath(runDir: string, name: string): string {
  return path.join(runDir, 'journal', name)
}

function write(name: string, content: string | undefined): void {
  try {
    const file = journalPath(getRunDir(), name)
    if (content === undefined) fs.rmSync(file, { force: true })
    else {
      fs.mkdirSync(path.dirname(file), { recursive: true })
      fs.writeFileSync(file, content)
    }
  } catch (err) {
    debug?.(`journal ${name}: ${(err as Error).message}`) // best effort: the watchdogs hold it too
  }
}

export function journalGroup(pgid: number, startTime: string | undefined, add: boolean): void {
  write(`group-${pgid}`, add ? (startTime ?? '') : undefined)
}

export function journalDir(dir: string, add: boolean): void {
  const name = `dir-${crypto.createHash('sha1').update(dir).digest('hex').slice(0, 16)}`
  write(name, add ? dir : undefined)
}
