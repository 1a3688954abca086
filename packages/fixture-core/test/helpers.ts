import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import { fileURLToPath } from 'node:url'
import type { ServiceSpec } from '../src/index.js'

/** The test server script (see servers/tcp-server.mjs). */
export const TCP_SERVER = fileURLToPath(new URL('./servers/tcp-server.mjs', import.meta.url))
export const DIST_INDEX = fileURLToPath(new URL('../dist/index.js', import.meta.url))

export function runnerPath(name: string): string {
  return fileURLToPath(new URL(`./runners/${name}`, import.meta.url))
}

/** Spawns test/runners/<name> with node; `output` collects what it printed so far. */
export function spawnRunner(
  name: string,
  env: NodeJS.ProcessEnv,
  stdin: 'pipe' | 'ignore' = 'ignore',
): { child: ChildProcess; output: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [runnerPath(name)], { env, stdio: [stdin, 'pipe', 'pipe'] })
  const output = { stdout: '', stderr: '' }
  child.stdout!.setEncoding('utf8').on('data', (c: string) => {
    output.stdout += c
  })
  child.stderr!.setEncoding('utf8').on('data', (c: string) => {
    output.stderr += c
  })
  return { child, output }
}

/** Runner scripts import the built package: fail clearly when it is missing. */
export function requireBuild(): void {
  // another process may be rebuilding dist in the shared tree right now: give it 30 s
  for (let waited = 0; !fs.existsSync(DIST_INDEX); waited += 200) {
    if (waited >= 30_000) throw new Error(`build first: ${DIST_INDEX} is missing (pnpm build)`)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
  }
}

/** Sends "ping" and returns the server's "pong <pid> <uid> <token>" line. */
export function ping(port: number, timeoutMs = 2_000, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ port, host: '127.0.0.1' })
    let buf = ''
    const fail = (err: Error) => {
      clearTimeout(timer)
      sock.destroy()
      reject(err)
    }
    const timer = setTimeout(
      () => fail(new Error(`no answer from port ${port} within ${timeoutMs} ms`)),
      timeoutMs,
    )
    signal?.addEventListener('abort', () => fail(new Error('aborted')), { once: true })
    sock.setEncoding('utf8')
    sock.on('connect', () => sock.write('ping\n'))
    sock.on('data', (c: string) => {
      buf += c
      if (buf.includes('\n')) {
        clearTimeout(timer)
        sock.destroy()
        resolve(buf.trim())
      }
    })
    sock.on('error', fail)
  })
}

/** A spec for the test server on `port`; `env` picks its behaviour. */
export function serverSpec(name: string, port: number, env: Record<string, string> = {}): ServiceSpec {
  return {
    name,
    command: process.execPath,
    args: [TCP_SERVER],
    env: { PORT: String(port), ...env },
    port,
    ready: async ({ signal }) => (await ping(port, 1_000, signal)).startsWith('pong'),
    readyTimeoutMs: 20_000,
    stopGraceMs: 3_000,
  }
}

/** True when `pid` exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** A pid that belonged to a process that has exited. */
export function deadPid(): number {
  const out = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  })
  return Number(out)
}
