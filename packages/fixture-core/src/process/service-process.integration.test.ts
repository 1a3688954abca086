import net from 'node:net'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { isRunning, ping, serverSpec } from '../../test/helpers.js'
import { InvalidOptionsError, PortInUseError, ProcessExitedError, StartupTimeoutError } from '../errors.js'
import { getFreePort, getFreePorts, withPortRetry } from '../ports/ports.js'
import { waitFor } from '../wait.js'
import { ServiceProcess, type ServiceSpec, startService } from './service-process.js'

const services: ServiceProcess[] = []
afterAll(async () => {
  await Promise.all(services.map((s) => s.stop({ graceMs: 0 })))
})

async function start(spec: ServiceSpec): Promise<ServiceProcess> {
  const svc = new ServiceProcess(spec)
  services.push(svc)
  return svc.start()
}

function startOnFreePort(name: string, env: Record<string, string> = {}) {
  return withPortRetry((port) => start(serverSpec(name, port, env)))
}

describe('ServiceProcess with real processes', () => {
  it('resolves start as soon as the protocol probe answers', async () => {
    const svc = await startOnFreePort('ready', { LISTEN_DELAY_MS: '300', TOKEN: 'hello' })
    expect(svc.running).toBe(true)
    expect(await ping(svc.port!)).toBe(`pong ${svc.pid} ${process.getuid!()} hello`)
    expect(svc.logs()).toContain(`listening on ${svc.port}`)
    await svc.stop()
    expect(svc.running).toBe(false)
    expect(svc.exitInfo).toMatchObject({ code: 0, requested: true })
  })

  it('rejects at once when the process crashes during start, with its last 50 log lines', async () => {
    const port = await getFreePort()
    // a 60 s readiness budget: only a prompt rejection finishes inside the test timeout
    const spec = { ...serverSpec('crashy', port, { MODE: 'crash', LINES: '60' }), readyTimeoutMs: 60_000 }
    const err = await start(spec).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProcessExitedError)
    const exited = err as ProcessExitedError
    expect(exited.exitCode).toBe(3)
    expect(exited.message).toContain("The 'crashy' process exited during start (exit code 3)")
    expect(exited.message).toContain('| fatal: config is broken')
    expect(exited.message).toContain('| boot line 12')
    expect(exited.message).not.toContain('| boot line 11\n')
    expect(exited.logs).toHaveLength(50)
  })

  it('times out saying what it waited for, kills the process, and shows its output', async () => {
    const port = await getFreePort()
    const spec = { ...serverSpec('sleepy', port, { MODE: 'never-ready' }), readyTimeoutMs: 1_500 }
    const svc = new ServiceProcess(spec)
    services.push(svc)
    const err = await svc.start().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(StartupTimeoutError)
    const message = (err as Error).message
    expect(message).toContain(`Timed out after 1500 ms waiting for 'sleepy' to become ready on port ${port}`)
    expect(message).toContain('Last probe error: connect ECONNREFUSED')
    expect(message).toContain('| warming up forever')
    expect(svc.running).toBe(false)
  })

  it('uses readyWhat in the timeout error', async () => {
    const port = await getFreePort()
    const spec = {
      ...serverSpec('sleepy2', port, { MODE: 'never-ready' }),
      readyTimeoutMs: 500,
      readyWhat: 'the sleepy server to answer PING',
    }
    await expect(start(spec)).rejects.toThrow('waiting for the sleepy server to answer PING')
  })

  it('stop() resolves for a process that already died, and is idempotent', async () => {
    const svc = await startOnFreePort('doomed')
    const exited = svc.exited
    process.kill(svc.pid!, 'SIGKILL') // a crash nobody asked for
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL', requested: false })
    expect(svc.running).toBe(false)
    await svc.stop()
    await Promise.all([svc.stop(), svc.stop()])
    await svc.kill()
    expect(svc.exitInfo?.signal).toBe('SIGKILL')
  })

  it('escalates to SIGKILL when the server ignores SIGTERM', async () => {
    const svc = await startOnFreePort('stubborn', { MODE: 'ignore-term' })
    await svc.stop({ graceMs: 500 })
    expect(svc.exitInfo).toEqual({ code: null, signal: 'SIGKILL', requested: true })
    expect(svc.logs()).toContain('ignoring SIGTERM') // SIGTERM came first
  })

  it('kills the whole process group on stop, helper processes included', async () => {
    const svc = await startOnFreePort('family', { SPAWN_CHILD: '1' })
    const line = svc.logs().find((l) => l.startsWith('child '))
    const childPid = Number(line?.split(' ')[1])
    expect(isRunning(childPid)).toBe(true)
    await svc.stop()
    await waitFor(() => !isRunning(childPid), { what: `helper process ${childPid} to die`, timeoutMs: 5_000 })
  })

  it('pause() makes the server unresponsive and resume() brings it back', async () => {
    const svc = await startOnFreePort('sleeper')
    await svc.pause()
    expect(svc.paused).toBe(true)
    await expect(ping(svc.port!, 500)).rejects.toThrow(/no answer/)
    svc.resume()
    expect(svc.paused).toBe(false)
    expect(await ping(svc.port!)).toContain(`pong ${svc.pid}`)
  })

  it('stop() of a paused server delivers the graceful signal (no SIGKILL needed)', async () => {
    const svc = await startOnFreePort('paused-stop')
    await svc.pause()
    await svc.stop({ graceMs: 10_000 })
    expect(svc.exitInfo).toMatchObject({ code: 0, signal: null })
    expect(svc.logs()).toContain('got SIGTERM, bye')
  })

  it('restart() comes back on the same port with a new pid; exited follows the incarnation', async () => {
    const svc = await startOnFreePort('phoenix', { TOKEN: 'same' })
    const { port } = svc
    const firstPid = svc.pid
    const firstExited = svc.exited
    await svc.restart()
    expect(await firstExited).toMatchObject({ code: 0, requested: true })
    expect(svc.pid).not.toBe(firstPid)
    expect(svc.port).toBe(port)
    expect(svc.exitInfo).toBeUndefined()
    expect(await ping(port!)).toBe(`pong ${svc.pid} ${process.getuid!()} same`)
    expect(svc.logs()).toContain("--- restart of 'phoenix' ---")
    // a crash after the restart resolves the new promise only
    const secondExited = svc.exited
    expect(secondExited).not.toBe(firstExited)
    await svc.kill()
    expect(await secondExited).toMatchObject({ signal: 'SIGKILL', requested: true })
    // and it can come back after a crash too
    await svc.start()
    expect(await ping(port!)).toContain(`pong ${svc.pid}`)
  })

  it('reports a missing binary at spawn', async () => {
    const spec: ServiceSpec = { name: 'ghost', command: '/nonexistent/ghost-server', readyTimeoutMs: 5_000 }
    const err = await start(spec).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ProcessExitedError)
    expect((err as Error).message).toMatch(
      /exited at spawn.*\n.*could not spawn '\/nonexistent\/ghost-server' \(ENOENT\)/,
    )
  })

  it('turns "address in use" into PortInUseError, which withPortRetry retries with a new port', async () => {
    const blocker = net.createServer()
    const [taken] = await getFreePorts(1)
    await new Promise<void>((resolve) => blocker.listen(taken, '127.0.0.1', resolve))
    try {
      await expect(start(serverSpec('clash', taken!))).rejects.toBeInstanceOf(PortInUseError)
      const picks: number[][] = []
      const svc = await withPortRetry((port) => start(serverSpec('clash-retry', port)), {
        pickPorts: async (count) => {
          const ports = picks.length === 0 ? [taken!] : await getFreePorts(count)
          picks.push(ports)
          return ports
        },
      })
      expect(picks).toHaveLength(2)
      expect(svc.port).not.toBe(taken)
      expect(await ping(svc.port!)).toContain(`pong ${svc.pid}`)
    } finally {
      blocker.close()
    }
  })

  it('streams output live with DEBUG=infra:<name>', async () => {
    const writes: string[] = []
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk))
      return true
    })
    const before = process.env.DEBUG
    process.env.DEBUG = 'infra:chatty'
    try {
      const svc = await startOnFreePort('chatty')
      await svc.stop()
      const text = writes.join('')
      expect(text).toContain(`infra:chatty [${svc.pid}] listening on ${svc.port}`)
      expect(text).toContain(`infra:chatty [${svc.pid}] exited (code 0)`)
    } finally {
      spy.mockRestore()
      if (before === undefined) delete process.env.DEBUG
      else process.env.DEBUG = before
    }
  })

  it('validates options before anything starts', async () => {
    expect(() => new ServiceProcess({ name: 'x', command: 'y', readyTimeoutMs: -1 })).toThrow(
      InvalidOptionsError,
    )
    expect(() => new ServiceProcess({ name: '', command: 'y' })).toThrow(InvalidOptionsError)
    await expect(startService({ name: 'x', command: 'y', stopGraceMs: Number.NaN })).rejects.toThrow(
      "Invalid option 'stopGraceMs'",
    )
  })

  it('stop() during start() cancels the start', async () => {
    const port = await getFreePort()
    const svc = new ServiceProcess({
      ...serverSpec('cancelled', port, { MODE: 'never-ready' }),
      readyTimeoutMs: 60_000,
    })
    services.push(svc)
    const starting = svc.start().catch((e: unknown) => e)
    await waitFor(() => svc.running, { what: 'the process to spawn' })
    await svc.stop()
    expect(await starting).toBeInstanceOf(ProcessExitedError)
    expect(svc.running).toBe(false)
  })
})
