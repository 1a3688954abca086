import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { unprivilegedUser } from '@infra/fixture-core'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pgCacheRoot } from '../server/cache-root.js'
import type { Postgres } from '../server/postgres.js'
import { startPostgres } from '../server/start.js'
import { cachedTls } from './tls.js'
import { tryQuery as query } from './try-query.test-helper.js'

const tryQuery = (
  config: pg.ClientConfig,
  sql = 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
) => query(config, sql)

function tcp(server: Postgres): pg.ClientConfig {
  const u = new URL(server.url)
  return { host: '127.0.0.1', port: server.port, user: 'postgres', password: decodeURIComponent(u.password) }
}

describe('tls: true', () => {
  let server: Postgres
  beforeAll(async () => {
    server = await startPostgres({ tls: true, migrationsKey: 'tls.integration', poolSize: 1 })
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('a pg client verifying the server with the handle’s CA gets TLS', async () => {
    expect(server.tls?.ca).toMatch(/^-----BEGIN CERTIFICATE-----/)
    const row = await tryQuery({ ...tcp(server), ssl: { ca: server.tls!.ca, rejectUnauthorized: true } })
    expect(row).toEqual({ ssl: true })
  })

  it('.url, database urls and env() verify the server (verify-full with the CA file)', async () => {
    const u = new URL(server.url)
    expect(u.searchParams.get('sslmode')).toBe('verify-full')
    expect(u.searchParams.get('sslrootcert')).toBe(server.tls!.caFile)
    expect(await tryQuery({ connectionString: server.url })).toEqual({ ssl: true })
    await using db = await server.database()
    expect(await tryQuery({ connectionString: db.url })).toEqual({ ssl: true })
    await using schema = await server.schema()
    expect(await tryQuery({ connectionString: schema.url })).toEqual({ ssl: true })
    const env = server.env()
    expect(env.PGSSLMODE).toBe('verify-full')
    expect(env.PGSSLROOTCERT).toBe(server.tls!.caFile)
  })

  it('a client that trusts only the system CAs refuses the server (the certificate really is checked)', async () => {
    const err = await tryQuery({ ...tcp(server), ssl: { rejectUnauthorized: true } })
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).message).toMatch(/certificate/i)
  })

  it('the key in the data dir is 0600 and owned by the server user; without require, plain TCP still works', async () => {
    const key = fs.statSync(path.join(server.dataDir!, 'server.key'))
    expect(key.mode & 0o777).toBe(0o600)
    expect(key.uid).toBe(fs.statSync(server.dataDir!).uid)
    expect(await tryQuery({ ...tcp(server), ssl: false })).toEqual({ ssl: false })
  })

  it('TLS survives restart()', async () => {
    await server.restart()
    expect(await tryQuery({ connectionString: server.url })).toEqual({ ssl: true })
  })
})

describe('tls: { require: true }', () => {
  it('refuses connections without TLS and accepts verified ones', async () => {
    await using server = await startPostgres({
      tls: { require: true },
      migrationsKey: 'tls.integration',
      poolSize: 1,
    })
    const plain = await tryQuery({ ...tcp(server), ssl: false })
    expect(plain).toBeInstanceOf(Error)
    expect((plain as Error).message).toMatch(/no encryption/)
    expect(await tryQuery({ connectionString: server.url })).toEqual({ ssl: true })
    await using db = await server.database()
    expect(await tryQuery({ connectionString: db.url })).toEqual({ ssl: true })
  })
})

describe('certificates of your own in config (relative paths, a key PostgreSQL would refuse for its mode)', () => {
  it('are resolved against the cwd and copied into the data dir as 0600, and TLS works with them', async () => {
    const mine = await cachedTls(pgCacheRoot(unprivilegedUser()))
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pg-own-cert-'))
    try {
      fs.copyFileSync(mine.certFile, path.join(dir, 'cert.pem'))
      fs.copyFileSync(mine.keyFile, path.join(dir, 'key.pem'))
      fs.chmodSync(path.join(dir, 'key.pem'), 0o644) // group/world readable: PostgreSQL would refuse it as is
      const rel = (f: string) => path.relative(process.cwd(), path.join(dir, f))
      await using server = await startPostgres({
        migrationsKey: 'tls.integration',
        poolSize: 1,
        config: { ssl: true, ssl_cert_file: rel('cert.pem'), ssl_key_file: rel('key.pem') },
      })
      const ca = fs.readFileSync(mine.caFile, 'utf8')
      expect(await tryQuery({ ...tcp(server), ssl: { ca, rejectUnauthorized: true } })).toEqual({ ssl: true })
      expect(server.tls).toBeUndefined() // no tls option: .url does not ask for TLS
      const key = fs.statSync(path.join(server.dataDir ?? '', 'fixture-ssl-key-file'))
      expect(key.mode & 0o777).toBe(0o600)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
