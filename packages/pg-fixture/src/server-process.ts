import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { LOOPBACK, type ServiceProcess, startService, type UserIds, withPortRetry } from '@infra/fixture-core'
import pg from 'pg'
import type { PgBinaries } from './binaries.js'

const execFileAsync = promisify(execFile)

export const SUPERUSER = 'postgres'

/** Settings that trade durability for speed; `durable: true` keeps PostgreSQL's defaults. */
function serverSettings(opts: { durable: boolean; dataDir: string; extra?: Record<string, string> }) {
  const socketDirOk = path.join(opts.dataDir, '.s.PGSQL.65535').length < 100
  const settings: Record<string, string> = {
    listen_addresses: LOOPBACK,
    unix_socket_directories: socketDirOk ? opts.dataDir : '',
    max_connections: '200',
    // dynamic shared memory as files in the data dir: removed with it, even after a SIGKILL
    dynamic_shared_memory_type: 'mmap',
    logging_collector: 'off',
    log_min_messages: 'warning',
    log_min_error_statement: 'panic',
  }
  if (!opts.durable) {
    Object.assign(settings, {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      wal_level: 'minimal',
      max_wal_senders: '0',
      autovacuum: 'off',
      checkpoint_timeout: '1h',
      max_wal_size: '1GB',
      min_wal_size: '2MB',
    })
  }
  return { ...settings, ...opts.extra }
}

export function adminUrl(port: number, database = 'postgres', password?: string): string {
  const auth = password ? `${SUPERUSER}:${encodeURIComponent(password)}` : SUPERUSER
  return `postgres://${auth}@${LOOPBACK}:${port}/${database}`
}

/** A random password for one server (URL-safe). */
export function newPassword(): string {
  return crypto.randomBytes(18).toString('base64url')
}

function socketDirUsable(dataDir: string): boolean {
  return path.join(dataDir, '.s.PGSQL.65535').length < 100
}

/**
 * Client authentication: TCP (the only thing other local users can reach) needs the per-run
 * password (SCRAM); the unix socket lives in the 0700 data dir, so only the server's own user
 * (and root) can reach it, and it is trusted — that is how the password gets set.
 */
const HBA = `# written by @infra/pg-fixture
local all all trust
host all all 127.0.0.1/32 scram-sha-256
host all all ::1/128 scram-sha-256
`

/** One query through the unix socket in the data dir. */
async function socketQuery(dataDir: string, port: number, sql: string): Promise<void> {
  const client = new pg.Client({
    host: dataDir,
    port,
    user: SUPERUSER,
    database: 'postgres',
    connectionTimeoutMillis: 2_000,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query(sql)
  } finally {
    await client.end().catch(() => {})
  }
}

/** A readiness probe by the protocol: connect and `select 1` (through the socket when TCP needs a password not yet set). */
async function probe(port: number, dataDir: string | undefined): Promise<boolean> {
  if (dataDir) {
    await socketQuery(dataDir, port, 'select 1')
    return true
  }
  const client = new pg.Client({ connectionString: adminUrl(port), connectionTimeoutMillis: 2_000 })
  client.on('error', () => {})
  try {
    await client.connect()
    await client.query('select 1')
    return true
  } finally {
    await client.end().catch(() => {})
  }
}

export interface StartProcessOptions {
  bins: PgBinaries
  dataDir: string
  ids: UserIds | undefined
  durable: boolean
  config?: Record<string, string>
  timeoutMs: number
  name?: string
  /**
   * The superuser's password for TCP connections (SCRAM), set at every start. Without one (or when
   * the data dir path is too long for a unix socket) TCP connections are trusted, as before.
   */
  password?: string
}

/**
 * Marks the postmaster's small System V interlock segment for removal right away: the kernel then
 * frees it once the last server process is gone — also after a SIGKILL, which would otherwise leak
 * it. PostgreSQL only needs it to detect orphaned backends at the next start, and it checks that by
 * segment id, which keeps working until the segment is actually gone.
 */
export async function releaseSysvSegment(dataDir: string): Promise<void> {
  if (process.platform !== 'linux') return
  try {
    const lines = (await fs.promises.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')
    const id = lines[6]?.trim().split(/\s+/)[1]
    if (id && /^\d+$/.test(id)) await execFileAsync('ipcrm', ['-m', id])
  } catch {
    // no ipcrm, or nothing to release: PostgreSQL removes it itself on a clean shutdown
  }
}

/**
 * After a backend crash (PANIC, SIGKILL) the postmaster re-creates shared memory, with a new System V
 * segment that nobody marked for removal: a later SIGKILL of the server (or of the runner) would leak
 * it. This checks postmaster.pid twice a second and releases each new segment; it ends with the data dir.
 */
function watchSysvSegment(dataDir: string): void {
  if (process.platform !== 'linux') return
  let released: string | undefined
  const timer = setInterval(() => {
    fs.promises.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').then(
      (text) => {
        const id = text.split('\n')[6]?.trim().split(/\s+/)[1]
        if (!id || id === released) return
        released = id
        return releaseSysvSegment(dataDir)
      },
      (err: NodeJS.ErrnoException) => {
        if (!fs.existsSync(dataDir))
          clearInterval(timer) // removed: the server is gone for good
        else if (err.code !== 'ENOENT') clearInterval(timer)
      },
    )
  }, 500)
  timer.unref()
}

/** Starts `postgres -D dataDir` on a free loopback port (picking again if the port was taken meanwhile). */
export async function startPostgresProcess(opts: StartProcessOptions): Promise<ServiceProcess> {
  const settings = serverSettings({ durable: opts.durable, dataDir: opts.dataDir, extra: opts.config })
  const secured = opts.password !== undefined && socketDirUsable(opts.dataDir)
  if (secured) {
    await fs.promises.writeFile(path.join(opts.dataDir, 'pg_hba.conf'), HBA)
    settings.password_encryption = 'scram-sha-256'
  }
  const proc = await withPortRetry((port) =>
    startService({
      name: opts.name ?? 'postgres',
      command: path.join(opts.bins.binDir, 'postgres'),
      args: [
        '-D',
        opts.dataDir,
        '-p',
        String(port),
        ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      ],
      env: { LC_ALL: 'C', LANG: undefined, LC_MESSAGES: 'C' },
      uid: opts.ids?.uid,
      gid: opts.ids?.gid,
      port,
      // SIGTERM is a "smart" shutdown that waits for clients; SIGINT is the fast one
      stopSignal: 'SIGINT',
      stopGraceMs: 5_000,
      readyTimeoutMs: opts.timeoutMs,
      readyIntervalMs: 5,
      readyWhat: `PostgreSQL to accept connections on ${LOOPBACK}:${port}`,
      ready: () => probe(port, secured ? opts.dataDir : undefined),
    }),
  )
  await releaseSysvSegment(opts.dataDir)
  watchSysvSegment(opts.dataDir)
  if (secured) {
    try {
      // base64url: no quote to escape. Committed synchronously: with the test server's synchronous_commit=off
      // the change could still sit in WAL buffers when a backend crash makes the server reinitialise, and
      // the crash recovery would then bring back the role without its password (28P01 afterwards).
      await socketQuery(
        opts.dataDir,
        proc.port!,
        `SET synchronous_commit TO on; ALTER ROLE ${SUPERUSER} PASSWORD '${opts.password}'`,
      )
    } catch (err) {
      await proc.kill()
      throw err
    }
  }
  return proc
}
