// Child processes with a deadline each, in their own process group, and cleanup that runs on success,
// failure and SIGINT/SIGTERM. Only processes started here are ever signalled (by pid / process group).
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'

const liveGroups = new Set()
const cleanups = []

export class StepError extends Error {}

/** Registers a cleanup; cleanups run once, last registered first. */
export function onCleanup(fn) {
  cleanups.push(fn)
}

let cleaning = null
export async function runCleanups() {
  cleaning ??= (async () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL')
    liveGroups.clear()
    while (cleanups.length > 0) {
      const fn = cleanups.pop()
      try {
        await fn()
      } catch (error) {
        console.error(`release-test: cleanup failed: ${error?.message ?? error}`)
      }
    }
  })()
  return cleaning
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
}

/** On SIGINT/SIGTERM/SIGHUP: clean up, then exit with the conventional code. */
export function installSignalHandlers() {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]) {
    process.once(signal, () => {
      console.error(`\nrelease-test: ${signal}: cleaning up`)
      const hardExit = setTimeout(() => process.exit(code), 15_000)
      hardExit.unref()
      runCleanups().finally(() => process.exit(code))
    })
  }
}

export function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal)
  } catch {
    // already gone
  }
}

/** Environment of a user outside this workspace: no npm_ or pnpm_ script variables leaking in. */
export function cleanEnv(extra = {}) {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    const k = key.toLowerCase()
    if (k.startsWith('npm_') || k.startsWith('pnpm_') || k === 'init_cwd' || k === 'node_options') continue
    if (k.startsWith('vitest') || k === 'node_env' || k === 'turbo_hash') continue
    env[key] = value
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra }
}

/**
 * Runs a command with a deadline. Resolves with its output; rejects with a StepError that names the
 * step and shows the output's tail. On the deadline the whole process group gets SIGTERM, then SIGKILL.
 */
export function run(label, command, args, { cwd, env = cleanEnv(), timeoutMs, input, quiet = true } = {}) {
  if (!timeoutMs) throw new Error(`run(${label}): timeoutMs is required`)
  return new Promise((resolve, reject) => {
    const started = Date.now()
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] })
    liveGroups.add(child.pid)
    let output = ''
    const append = (chunk) => {
      output += chunk
      if (output.length > 400_000) output = output.slice(-200_000)
      if (!quiet) process.stdout.write(chunk)
    }
    child.stdout.on('data', append)
    child.stderr.on('data', append)
    child.stdin.on('error', () => {})
    child.stdin.end(input ?? '')
    let timedOut = false
    let closed = false
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child.pid, 'SIGTERM')
      setTimeout(() => closed || killGroup(child.pid, 'SIGKILL'), 3_000).unref()
    }, timeoutMs)
    child.on('error', (error) => {
      clearTimeout(timer)
      liveGroups.delete(child.pid)
      reject(new StepError(`${label}: could not start ${command}: ${error.message}`))
    })
    const finish = (code, signal) => {
      if (closed) return
      closed = true
      clearTimeout(timer)
      liveGroups.delete(child.pid)
      const seconds = ((Date.now() - started) / 1000).toFixed(1)
      if (code === 0 && !timedOut) return resolve({ output, seconds })
      const why = timedOut ? `timed out after ${timeoutMs / 1000} s` : `exited with ${code ?? signal}`
      const tail = output.split('\n').slice(-60).join('\n')
      const error = new StepError(`${label}: \`${command} ${args.join(' ')}\` ${why} (in ${cwd})\n${tail}`)
      error.output = output
      error.timedOut = timedOut
      reject(error)
    }
    child.on('close', finish)
    // a grandchild that inherited stdout must not keep us waiting once the command itself is done
    child.on('exit', (code, signal) => setTimeout(() => finish(code, signal), 2_000))
  })
}

/** Awaits a promise with a deadline that names what it waited for. */
export async function withDeadline(label, timeoutMs, promise) {
  let timer
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new StepError(`${label}: no result after ${timeoutMs / 1000} s`)),
      timeoutMs,
    )
  })
  try {
    return await Promise.race([promise, deadline])
  } finally {
    clearTimeout(timer)
  }
}
