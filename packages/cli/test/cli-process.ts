import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const BIN = path.join(PACKAGE_DIR, 'dist', 'bin.js')

export interface Result {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Runs `infra <args>` (the built bin) to its end; kills it (SIGKILL) after `timeoutMs`. */
export function infra(
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? PACKAGE_DIR,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return { child, done: collect(child, opts.timeoutMs ?? 60_000) }
}

export function collect(child: ChildProcess, timeoutMs: number): Promise<Result> {
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d) => {
    stdout += d
  })
  child.stderr?.on('data', (d) => {
    stderr += d
  })
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

/** Resolves with the first stdout line of `child` (rejects after `timeoutMs`, or if it exits first). */
export function firstLine(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = ''
    let err = ''
    const timer = setTimeout(
      () => reject(new Error(`no stdout line from infra in ${timeoutMs} ms: ${err}`)),
      timeoutMs,
    )
    child.stderr?.on('data', (d) => {
      err += d
    })
    child.stdout?.on('data', (d) => {
      buf += d
      const nl = buf.indexOf('\n')
      if (nl !== -1) {
        clearTimeout(timer)
        resolve(buf.slice(0, nl))
      }
    })
    child.once('exit', () => reject(new Error(`infra exited before printing: ${err}`)))
  })
}

/** Server processes (postgres, redis-server) that are direct children of `pid`. */
export function serverChildren(pid: number): number[] {
  let out = ''
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
  } catch {
    return [] // ps exits 1 when there are none
  }
  return out
    .split('\n')
    .filter((l) => /postgres|redis-server/.test(l))
    .map((l) => Number.parseInt(l.trim(), 10))
}

/** Whether `pid` is a live process (a zombie waiting for its reaper counts as gone). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).startsWith('Z')
  } catch {
    return false
  }
}
