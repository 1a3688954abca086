import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { waitFor } from '@infra/fixture-core'
import { describe, expect, it } from 'vitest'
import { alive, firstLine, infra, serverChildren } from './cli-process.js'

// node -e runs in the package dir, so it can require the devDependencies pg and ioredis
const CHECK_ENV = `
const pg = require('pg'); const Redis = require('ioredis')
;(async () => {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL }); await c.connect()
  const { rows } = await c.query('select 41 + 1 as n'); await c.end()
  const r = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 }); await r.connect()
  const pong = await r.ping(); r.disconnect()
  if (rows[0].n !== 42 || pong !== 'PONG') process.exit(99)
  process.exit(Number(process.env.WANT_CODE))
})().catch((e) => { console.error(e); process.exit(98) })`

describe('infra run', () => {
  it('runs the command with the services env and exits with its code (0 and non-zero)', async () => {
    const ok = await infra(['run', 'pg', 'redis', '--', 'node', '-e', CHECK_ENV], { env: { WANT_CODE: '0' } })
      .done
    expect(ok.stderr).not.toMatch(/Error/)
    expect(ok.code).toBe(0)
    const bad = await infra(['run', 'redis', 'postgres', '--', 'node', '-e', CHECK_ENV], {
      env: { WANT_CODE: '7' },
    }).done
    expect(bad.code).toBe(7)
  })

  it('starts the server version asked for after @ (pg@16, redis@6.2)', async () => {
    const versions = `
const pg = require('pg'); const Redis = require('ioredis')
;(async () => {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL }); await c.connect()
  const { rows } = await c.query('show server_version'); await c.end()
  const r = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 }); await r.connect()
  const info = await r.info('server'); r.disconnect()
  console.log(JSON.stringify({ pg: rows[0].server_version, redis: /redis_version:(\\S+)/.exec(info)[1] }))
})().catch((e) => { console.error(e); process.exit(98) })`
    const r = await infra(['run', 'pg@16', 'redis@6.2', '--', 'node', '-e', versions]).done
    expect(r.stderr).not.toMatch(/Error/)
    expect(r.code).toBe(0)
    const reported = JSON.parse(r.stdout) as { pg: string; redis: string }
    expect(reported.pg).toMatch(/^16\./)
    expect(reported.redis).toMatch(/^6\.2\./)
  })

  it('forwards SIGTERM to the command and exits 128+15 after stopping the services', async () => {
    const { child, done } = infra([
      'run',
      'redis',
      '--',
      'node',
      '-e',
      'console.log("ready"); setInterval(() => {}, 1000)',
    ])
    expect(await firstLine(child, 30_000)).toBe('ready')
    const servers = serverChildren(child.pid!)
    expect(servers).toHaveLength(1)
    child.kill('SIGTERM')
    const r = await done
    expect(r.code).toBe(143)
    expect(servers.filter(alive)).toEqual([])
  })

  it('reads infra.config.json: named services, envPrefix, options', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'infra-cli-it-'))
    try {
      const config = {
        services: { cache: { service: 'redis', envPrefix: 'CACHE_' }, redis: { options: { databases: 4 } } },
      }
      fs.writeFileSync(path.join(dir, 'infra.config.json'), JSON.stringify(config))
      const print = 'console.log(JSON.stringify(process.env))'
      const r = await infra(['run', '--', 'node', '-e', print], { cwd: dir }).done
      expect(r.code).toBe(0)
      const env = JSON.parse(r.stdout)
      expect(env.CACHE_REDIS_URL).toMatch(/^redis:\/\/.*127\.0\.0\.1:\d+/)
      expect(env.REDIS_URL).toMatch(/^redis:\/\//)
      expect(env.REDIS_URL).not.toBe(env.CACHE_REDIS_URL)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('infra up', () => {
  it('--json prints the env, and SIGTERM stops every server', async () => {
    const { child, done } = infra(['up', 'pg', 'redis', '--json'])
    const out = JSON.parse(await firstLine(child, 60_000))
    expect(Object.keys(out.env)).toEqual(expect.arrayContaining(['DATABASE_URL', 'PGPORT', 'REDIS_URL']))
    expect(out.services.map((s: { service: string }) => s.service)).toEqual(['pg', 'redis'])
    const servers = serverChildren(child.pid!)
    expect(servers.length).toBeGreaterThanOrEqual(2)
    child.kill('SIGTERM')
    const r = await done
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('SIGTERM: stopping 2 service(s)')
    expect(servers.filter(alive)).toEqual([])
  })

  it('SIGKILLed, leaves no server behind (the watchdog stops them)', async () => {
    const { child, done } = infra(['up', 'redis', 'pg'])
    expect(await firstLine(child, 60_000)).toMatch(/^[A-Z_]+=/)
    const servers = serverChildren(child.pid!)
    expect(servers.length).toBeGreaterThanOrEqual(2)
    child.kill('SIGKILL')
    await done
    await waitFor(() => servers.every((p) => !alive(p)), {
      what: 'servers to be gone after infra was SIGKILLed',
      timeoutMs: 15_000,
    })
  })

  it('an unknown service is a clear error and exit 2, nothing started', async () => {
    const r = await infra(['up', 'pg', 'redsi']).done
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Unknown service 'redsi'. Did you mean 'redis'\?/)
  })
})

describe('infra doctor', () => {
  it('lists each server with its version, and fails only for asked-for ones that cannot start', async () => {
    const r = await infra(['doctor']).done
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^pg +ok +PostgreSQL \d+/m)
    expect(r.stdout).toMatch(/^redis +ok +Redis server v=\d/m)
    const json = await infra(['doctor', 'redis', '--json'], {
      env: { REDIS_SERVER_BIN: '/nonexistent/redis-server' },
    }).done
    expect(json.code).toBe(1)
    expect(JSON.parse(json.stdout)).toEqual([
      {
        service: 'redis',
        ok: false,
        fix: expect.stringMatching(/set REDIS_SERVER_BIN=.*apt-get install redis-server/),
      },
    ])
  })
})
