import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { waitFor } from '../wait.js'

const script = fileURLToPath(new URL('./watchdog-main.mjs', import.meta.url))
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-wdmain-test-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

async function startWatchdog(runDir: string, spawnerPid?: number) {
  const args = spawnerPid === undefined ? [script, runDir] : [script, runDir, String(spawnerPid)]
  const child = spawn(process.execPath, args, {
    env: { ...process.env, INFRA_WATCHDOG_LINGER_MS: '100' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string]
  const socketPath = /^ready (.+)\n/.exec(line)![1]!
  return { child, socketPath }
}

function connect(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath, () => resolve(sock))
    sock.once('error', reject)
  })
}

async function send(sock: net.Socket, msg: object): Promise<void> {
  sock.write(`${JSON.stringify({ ...msg, id: 1 })}\n`)
  await once(sock, 'data')
}

describe('watchdog process', () => {
  it('cleans up after each client, exits when idle and keeps the run dir while its creator lives', async () => {
    const runDir = path.join(root, `run-${process.pid}-0001`)
    fs.mkdirSync(runDir)
    const { child, socketPath } = await startWatchdog(runDir)
    const a = await connect(socketPath)
    const b = await connect(socketPath)
    const dirA = path.join(runDir, 'a')
    const dirB = path.join(runDir, 'b')
    fs.mkdirSync(dirA)
    fs.mkdirSync(dirB)
    await send(a, { op: 'dir', path: dirA })
    await send(b, { op: 'dir', path: dirB })
    await send(b, { op: 'undir', path: dirB }) // b takes care of its dir itself
    a.destroy()
    await waitFor(() => !fs.existsSync(dirA), { what: "a's dir to go when a disconnects" })
    expect(fs.existsSync(dirB)).toBe(true)
    expect(child.exitCode).toBeNull() // b is still connected
    b.destroy()
    await once(child, 'exit')
    expect(fs.existsSync(socketPath)).toBe(false)
    expect(fs.existsSync(runDir)).toBe(true) // its creator (this process) is alive
    await expect(connect(socketPath)).rejects.toThrow()
  })

  it('removes the run dir of a dead creator when it exits', async () => {
    const runDir = path.join(root, 'run-999999999-0002')
    fs.mkdirSync(runDir)
    fs.writeFileSync(path.join(runDir, 'leftover'), 'x')
    const { child, socketPath } = await startWatchdog(runDir)
    ;(await connect(socketPath)).destroy()
    await once(child, 'exit')
    expect(fs.existsSync(runDir)).toBe(false)
  })

  it('two watchdogs of a dead run shutting down together: one removes the dir and kills what the journal names', async () => {
    const runDir = path.join(root, 'run-999999998-0003')
    fs.mkdirSync(path.join(runDir, 'journal'), { recursive: true })
    // a process group only the journal knows of (like a server's helper whose registration died with the runner)
    const helper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      detached: true,
      stdio: 'ignore',
    })
    await once(helper, 'spawn')
    try {
      fs.writeFileSync(path.join(runDir, 'journal', `group-${helper.pid}`), '')
      // both spawned by a process that is already gone (as when the runner is SIGKILLed right after
      // replacing killed watchdogs): each shuts down within ~100 ms of its start, while the other lives
      const gone = spawn(process.execPath, ['-e', ''])
      await once(gone, 'exit')
      const [a, b] = await Promise.all([startWatchdog(runDir, gone.pid), startWatchdog(runDir, gone.pid)])
      const exited = Promise.all([once(a.child, 'exit'), once(b.child, 'exit')])
      // each drops its pid file before deciding, so neither waits out the other's 3 s
      await waitFor(() => !fs.existsSync(runDir), {
        what: 'one of the two to remove the run dir',
        timeoutMs: 2_000,
      })
      await waitFor(() => helper.exitCode !== null || helper.signalCode !== null, {
        what: "the journal's process group to be killed",
        timeoutMs: 2_000,
      })
      await exited
    } finally {
      if (helper.exitCode === null && helper.signalCode === null) helper.kill('SIGKILL')
    }
  })
})
