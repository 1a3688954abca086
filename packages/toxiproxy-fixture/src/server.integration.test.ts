import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { isPidAlive } from '@infra/fixture-core'
import { startPostgres } from '@infra/pg-fixture'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { FixtureStateError, startToxiproxy, ToxiproxyApiError } from './index.js'

const here = path.dirname(fileURLToPath(import.meta.url))

/** A tiny echo server: a real upstream with no client library in the way. */
async function echoServer(): Promise<net.Server & { port: number }> {
  const server = net.createServer((s) => s.pipe(s))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return Object.assign(server, { port: (server.address() as net.AddressInfo).port })
}

function roundTrip(port: number, payload = 'ping'): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(payload))
    s.setTimeout(3_000, () => s.destroy(new Error('no echo within 3 s')))
    s.once('data', (d) => {
      s.destroy()
      resolve(d.toString())
    })
    s.once('error', reject)
  })
}

describe('the Toxiproxy server', () => {
  it('restart() keeps every link at its address, with its toxics', async () => {
    const echo = await echoServer()
    await using toxiproxy = await startToxiproxy()
    const link = await toxiproxy.proxy(`127.0.0.1:${echo.port}`, 'echo')
    expect(link.url).toBe(`tcp://127.0.0.1:${link.port}`)
    await link.latency(150)
    await toxiproxy.kill()
    await expect(roundTrip(link.port)).rejects.toThrow(/ECONNREFUSED/)
    await toxiproxy.restart()
    const start = performance.now()
    expect(await roundTrip(link.port)).toBe('ping')
    expect(performance.now() - start).toBeGreaterThanOrEqual(150)
    await toxiproxy.stop()
    await toxiproxy.stop()
    await expect(toxiproxy.proxy('127.0.0.1:1')).rejects.toThrow(FixtureStateError)
    echo.close()
  })

  it('pause() hangs every link until resume()', async () => {
    const echo = await echoServer()
    await using toxiproxy = await startToxiproxy()
    const link = await toxiproxy.proxy(`127.0.0.1:${echo.port}`)
    await toxiproxy.pause()
    await expect(roundTrip(link.port)).rejects.toThrow(/no echo within 3 s/)
    await toxiproxy.resume()
    expect(await roundTrip(link.port)).toBe('ping')
    echo.close()
  })

  it('reports the server’s own error text', async () => {
    await using toxiproxy = await startToxiproxy()
    await toxiproxy.proxy('127.0.0.1:1', 'dup')
    const err = await toxiproxy.api
      .createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream: 'x:1' })
      .catch((e) => e)
    expect(err).toBeInstanceOf(ToxiproxyApiError)
    expect(err.message).toMatch(/409 proxy already exists/)
  })

  it('timeout() makes pg raise its own query timeout', async () => {
    const [toxiproxy, postgres] = await Promise.all([startToxiproxy(), startPostgres()])
    try {
      const link = await toxiproxy.proxy(postgres)
      expect(link.name).toBe('postgres') // named after the handle's service
      const client = new pg.Client({ connectionString: link.url, query_timeout: 300 })
      client.on('error', () => {})
      await client.connect()
      try {
        expect((await client.query('select 1 as n')).rows[0].n).toBe(1)
        await link.timeout(0)
        await expect(client.query('select 2')).rejects.toThrow(/Query read timeout/)
      } finally {
        await client.end().catch(() => {})
      }
    } finally {
      await Promise.all([toxiproxy.stop(), postgres.stop()])
    }
  })

  it('a runner killed by SIGKILL leaves no toxiproxy process', async () => {
    expect(fs.existsSync(path.join(here, '..', 'dist', 'index.js')), 'build the package first').toBe(true)
    // its own run dir and watchdog, like a separate test run
    const env = { ...process.env, INFRA_WATCHDOG_SOCKET: '', INFRA_RUN_DIR: '' }
    const child = spawn(process.execPath, [path.join(here, '..', 'test', 'sigkill-runner.mjs')], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c
    })
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      err += c
    })
    const deadline = Date.now() + 20_000
    while (!out.includes('\n') && child.exitCode === null && Date.now() < deadline) await sleep(20)
    expect(out, `runner output; stderr:\n${err}`).toContain('pid')
    const { pid } = JSON.parse(out.split('\n')[0]!) as { pid: number }
    expect(isPidAlive(pid)).toBe(true)
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const until = Date.now() + 15_000
    while (isPidAlive(pid) && Date.now() < until) await sleep(50)
    expect(isPidAlive(pid)).toBe(false)
  })
})
