import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import {
  EnvironmentError,
  InvalidOptionsError,
  LOOPBACK,
  type ServiceProcess,
  startService,
  type UserIds,
  waitFor,
  withPortRetry,
} from '@infra/fixture-core'
import pg from 'pg'
import { hbaConf, roleSql } from '../security/auth.js'
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

export function adminUrl(port: number, database = 'postgres', password?: string, user = SUPERUSER): string {
  const auth = password ? `${user}:${encodeURIComponent(password)}` : user
  return `postgres://${auth}@${LOOPBACK}:${port}/${database}`
}

/** A random password for one server (URL-safe). */
export function newPassword(): string {
  return crypto.randomBytes(18).toString('base64url')
}

function socketDirUsable(dataDir: string): boolean {
  return path.join(dataDir, '.s.PGSQL.65535').length < 100
}

/** pg_hba.conf when the data dir path is too long for a unix socket (documented: TCP trusted then). */
const TRUST_TCP =
  '# written by @infra/pg-fixture: no unix socket here\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n'

/** One query through the unix socket in the data dir. */
async function socketQuery(
  dataDir: string,
  port: number,
  sql: string,
  password?: string,
): Promise<pg.QueryResult | pg.QueryResult[]> {
  const client = new pg.Client({
    host: dataDir,
    port,
    user: SUPERUSER,
    password,
    database: 'postgres',
    connectionTimeoutMillis: 2_000,
  })
  client.on('error', () => {})
  try {
    await client.connect()
    return await client.query(sql)
  } finally {
    await client.end().catch(() => {})
  }
}

/** The server refused the login (28P01 wrong password, 28000 no pg_hba.conf entry): it is up and answering. */
function isAuthRefusal(err: unknown): boolean {
  const code = (err as { code?: string }).code
  return code === '28P01' || code === '28000'
}

/**
 * A readiness probe by the protocol: connect and `select 1` — through the socket when TCP needs a password
 * not yet set, authenticating with `password` (a user's `hba_file`, in place after a `restart()`, may want it
 * on the socket too). A refused login also means the server is up (rules that let no superuser in by socket).
 */
async function probe(port: number, dataDir: string | undefined, password?: string): Promise<boolean> {
  if (dataDir) {
    try {
      await socketQuery(dataDir, port, 'select 1', password)
    } catch (err) {
      if (!isAuthRefusal(err)) throw err
    }
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
  /** With `password`: the pg_hba.conf to start with (default {@link hbaConf}()); its socket line must be `trust`. */
  hba?: string
  /** With `password`: what runs through the trusted socket once up (default: set the superuser's password). */
  setupSql?: string
  /** The user's own pg_hba.conf contents, put in place (and reloaded) after `setupSql`. */
  finalHba?: string
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

/**
 * Replaces the fixture's pg_hba.conf by the user's and reloads, returning once the postmaster has
 * loaded it: a session that saw the reload was signalled by the postmaster, which accepts (and forks for)
 * any later connection only after loading the new rules. Rules PostgreSQL cannot parse are an
 * {@link InvalidOptionsError} (a reload would silently keep the old ones).
 */
async function switchHba(dataDir: string, port: number, hba: string): Promise<void> {
  const file = path.join(dataDir, 'pg_hba.conf')
  const client = new pg.Client({ host: dataDir, port, user: SUPERUSER, database: 'postgres' })
  client.on('error', () => {})
  await client.connect()
  try {
    const ours = await fs.promises.readFile(file)
    await fs.promises.writeFile(file, hba)
    const bad = await client.query<{ line_number: number; error: string }>(
      'SELECT line_number, error FROM pg_hba_file_rules WHERE error IS NOT NULL',
    )
    if (bad.rows.length > 0) {
      await fs.promises.writeFile(file, ours)
      const errors = bad.rows.map((e) => `line ${e.line_number}: ${e.error}`).join('; ')
      throw new InvalidOptionsError('config.hba_file', `PostgreSQL rejects it: ${errors}`)
    }
    const t0 = (await client.query<{ t: string }>('SELECT pg_conf_load_time()::text AS t')).rows[0]!.t
    await client.query('SELECT pg_reload_conf()')
    await waitFor(
      async () =>
        (await client.query<{ done: boolean }>('SELECT pg_conf_load_time() > $1::timestamptz AS done', [t0]))
          .rows[0]!.done,
      {
        what: `PostgreSQL to load the hba_file given in config (${dataDir})`,
        timeoutMs: 10_000,
        intervalMs: 5,
      },
    )
  } finally {
    await client.end().catch(() => {})
  }
}

/** Starts `postgres -D dataDir` on a free loopback port (picking again if the port was taken meanwhile). */
export async function startPostgresProcess(opts: StartProcessOptions): Promise<ServiceProcess> {
  const settings = serverSettings({ durable: opts.durable, dataDir: opts.dataDir, extra: opts.config })
  const secured = opts.password !== undefined && socketDirUsable(opts.dataDir)
  if (!secured && (opts.hba || opts.setupSql || opts.finalHba)) {
    throw new EnvironmentError(
      `The data dir ${opts.dataDir} is too long a path for PostgreSQL's unix socket (107 bytes), which the fixture needs to set passwords and users: pass a shorter tmpDir`,
    )
  }
  // without a usable socket no password can be set: TCP is trusted (the copied data dir's rules want SCRAM)
  await fs.promises.writeFile(
    path.join(opts.dataDir, 'pg_hba.conf'),
    secured ? (opts.hba ?? hbaConf()) : TRUST_TCP,
  )
  if (secured) settings.password_encryption = 'scram-sha-256'
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
      ready: () => probe(port, secured ? opts.dataDir : undefined, opts.password),
    }),
  )
  await releaseSysvSegment(opts.dataDir)
  watchSysvSegment(opts.dataDir)
  if (secured) {
    try {
      await socketQuery(opts.dataDir, proc.port!, opts.setupSql ?? roleSql(SUPERUSER, opts.password!))
      if (opts.finalHba !== undefined) await switchHba(opts.dataDir, proc.port!, opts.finalHba)
    } catch (err) {
      await proc.kill()
      throw err
    }
  }
  return proc
}
