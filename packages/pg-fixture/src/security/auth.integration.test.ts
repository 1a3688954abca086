import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EnvironmentError, InvalidOptionsError } from '../index.js'
import type { Postgres } from '../server/postgres.js'
import { startPostgres } from '../server/start.js'
import { tryQuery as query } from './try-query.test-helper.js'

const tryQuery = (config: pg.ClientConfig | string, sql = 'SELECT current_user AS u') => query(config, sql)

describe('password and users', () => {
  let server: Postgres
  beforeAll(async () => {
    server = await startPostgres({
      migrationsKey: 'auth.integration',
      poolSize: 1,
      password: "it's mine: p@ss/word",
      users: [
        { name: 'app', password: 'app-secret' },
        { name: 'legacy', password: "o'ld md5", auth: 'md5' },
        { name: 'boss', password: 'boss-secret', superuser: true },
      ],
    })
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('the admin password is the one given, carried in .url; another is refused', async () => {
    expect(decodeURIComponent(new URL(server.url).password)).toBe("it's mine: p@ss/word")
    expect(server.env().PGPASSWORD).toBe("it's mine: p@ss/word")
    expect(await tryQuery(server.url)).toEqual({ u: 'postgres' })
    const wrong = new URL(server.url)
    wrong.password = 'nope'
    expect(await tryQuery(wrong.toString())).toMatchObject({ code: '28P01' })
  })

  it('each user logs in with its URL and its auth method; the md5 one stores an md5 password', async () => {
    expect(server.users).toEqual(['app', 'legacy', 'boss'])
    for (const name of server.users) expect(await tryQuery(server.userUrl(name))).toEqual({ u: name })
    const stored = await tryQuery(
      server.url,
      "SELECT string_agg(rolname || '=' || left(rolpassword, 6) || '/' || rolsuper, ',' ORDER BY rolname) AS r FROM pg_authid WHERE rolname IN ('app', 'legacy', 'boss')",
    )
    expect(stored).toEqual({
      r: expect.stringMatching(/^app=SCRAM-\/false,boss=SCRAM-\/true,legacy=md5\w{3}\/false$/),
    })
    const wrong = new URL(server.userUrl('legacy'))
    wrong.password = 'nope'
    expect(await tryQuery(wrong.toString())).toMatchObject({ code: '28P01' })
  })

  it('userUrl(name, database) reaches a test database; an unknown user is an InvalidOptionsError', async () => {
    await using db = await server.database()
    expect(await tryQuery(server.userUrl('app', db.name), 'SELECT current_database() AS d')).toEqual({
      d: db.name,
    })
    expect(() => server.userUrl('nobody')).toThrow(InvalidOptionsError)
    expect(() => server.userUrl('nobody')).toThrow(/app, legacy, boss/)
  })

  it('users and passwords survive restart()', async () => {
    await server.restart()
    expect(await tryQuery(server.userUrl('legacy'))).toEqual({ u: 'legacy' })
    expect(await tryQuery(server.url)).toEqual({ u: 'postgres' })
  })
})

describe('an hba_file of your own (relative to the cwd)', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-hba-'))
  })
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('rules that want a password on the socket too: the start does not time out, and the rules apply', async () => {
    const hba = path.join(dir, 'pg_hba.conf')
    fs.writeFileSync(
      hba,
      [
        'local all all scram-sha-256',
        'host all blocked 127.0.0.1/32 reject',
        'host all all 127.0.0.1/32 scram-sha-256',
        '',
      ].join('\n'),
    )
    const relative = path.relative(process.cwd(), hba)
    expect(path.isAbsolute(relative)).toBe(false)
    await using server = await startPostgres({
      migrationsKey: 'auth.integration',
      poolSize: 1,
      startTimeoutMs: 15_000,
      users: [
        { name: 'blocked', password: 'x' },
        { name: 'allowed', password: 'y' },
      ],
      config: { hba_file: relative },
    })
    expect(await tryQuery(server.userUrl('blocked'))).toMatchObject({ code: '28000' })
    expect(await tryQuery(server.userUrl('allowed'))).toEqual({ u: 'allowed' })
    // the socket asks for the password now: without it, refused
    const socket = await tryQuery({
      host: server.dataDir!,
      port: server.port,
      user: 'postgres',
      database: 'postgres',
    })
    expect(socket).toBeInstanceOf(Error)
    // after a restart the readiness probe has to authenticate on the socket
    await server.restart()
    await using db = await server.database()
    expect(await tryQuery(db.url, 'SELECT current_database() AS d')).toEqual({ d: db.name })
  })

  it('rules PostgreSQL cannot parse are an InvalidOptionsError naming the line', async () => {
    const bad = path.join(dir, 'bad_hba.conf')
    fs.writeFileSync(bad, 'host all all 127.0.0.1/32 scram-sha-256\nhost all all nonsense\n')
    const err = await startPostgres({
      migrationsKey: 'auth.integration',
      poolSize: 1,
      config: { hba_file: bad },
    }).then(
      (s) => s.stop().then(() => undefined),
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(InvalidOptionsError)
    expect(String(err)).toMatch(/hba_file.*line 2/)
  })
})

describe('a tmpDir too long for the unix socket', () => {
  it('still starts by default (TCP trusted, as before), but asked-for auth is an EnvironmentError', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-long-'))
    const tmpDir = path.join(base, 'd'.repeat(100))
    fs.mkdirSync(tmpDir, { mode: 0o711 })
    fs.chmodSync(base, 0o711)
    try {
      await using plain = await startPostgres({ migrationsKey: 'auth.integration', poolSize: 0, tmpDir })
      expect(await tryQuery(plain.url)).toEqual({ u: 'postgres' })
      const err = await startPostgres({
        migrationsKey: 'auth.integration',
        poolSize: 0,
        tmpDir,
        password: 'x',
      }).then(
        (s) => s.stop().then(() => undefined),
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(EnvironmentError)
      expect(String(err)).toMatch(/unix socket.*shorter tmpDir/)
    } finally {
      fs.rmSync(base, { recursive: true, force: true })
    }
  })
})
