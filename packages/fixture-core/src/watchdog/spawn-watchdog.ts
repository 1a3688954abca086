import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { EnvironmentError } from '../errors.js'
import { withTimeout } from '../wait.js'

const here = path.dirname(fileURLToPath(import.meta.url))

function watchdogScript(): string {
  for (const name of ['watchdog-main.js', 'watchdog-main.mjs']) {
    const candidate = path.join(here, name)
    if (fs.existsSync(candidate)) return candidate
  }
  throw new EnvironmentError(`fixture-core is incomplete: watchdog-main.js not found next to ${here}`)
}

/** Starts a detached watchdog process for `runDir`; resolves with its socket path once it listens. */
export async function spawnWatchdog(runDir: string): Promise<string> {
  const child = spawn(process.execPath, [watchdogScript(), runDir, String(process.pid)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, NODE_OPTIONS: '' },
  })
  const ready = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (c: string) => {
      out += c
      const m = /^ready (.+)\n/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.once('exit', (code) => reject(new EnvironmentError(`the watchdog exited at start (code ${code})`)))
    child.once('error', reject)
  })
  try {
    return await withTimeout(ready, 10_000, 'the watchdog process to listen')
  } catch (err) {
    try {
      child.kill('SIGKILL')
    } catch {}
    throw err
  } finally {
    child.stdout!.destroy()
    child.removeAllListeners('exit')
    child.unref()
  }
}
