import fs from 'node:fs'
import path from 'node:path'
import { LOOPBACK, type ServiceProcess, startService, type UserIds, withPortRetry } from '@infra/fixture-core'
import mysql from 'mysql2/promise'
import { literal } from '../database/names.js'
import type { MysqlUser } from '../options.js'
import type { MariadbBinaries } from './binaries.js'
import { serverArgs } from './server-args.js'

export const ROOT_USER = 'root'

export interface StartProcessOptions {
  bins: MariadbBinaries
  /** The server's private directory; the data dir is `<runDir>/data`. */
  runDir: string
  ids: UserIds | undefined
  durable: boolean
  config: Record<string, string | number | boolean>
  timeoutMs: number
  /** Fixed port; default an ephemeral one (retried when taken). Ignored with `network: false`. */
  port?: number
  /** Root's password, set at start by an init file (before the first connection is served). */
  password?: string
  users?: MysqlUser[]
  /** `false`: `--skip-networking`, the socket only (the cache build). */
  network?: boolean
  name?: string
}

/** Connection options of the server's root user: TCP with the password, or the private socket. */
export function rootAccess(opts: {
  runDir: string
  port?: number
  password?: string
}): mysql.ConnectionOptions {
  return opts.port !== undefined
    ? { host: LOOPBACK, port: opts.port, user: ROOT_USER, password: opts.password }
    : { socketPath: path.join(opts.runDir, 'mysqld.sock'), user: ROOT_USER }
}

/**
 * True once the current incarnation logged `ready for connections`: a cheap gate in front of the protocol
 * probe, so that a busy 2-core machine does not spend the server's start time on refused connections.
 */
export function loggedReady(lines: readonly string[]): boolean {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!
    if (line.includes('ready for connections')) return true
    if (line.startsWith('--- restart of')) return false
  }
  return false
}

/** A readiness probe by the protocol: connect and `SELECT 1`. */
async function probe(access: mysql.ConnectionOptions): Promise<boolean> {
  const c = await mysql.createConnection({ ...access, connectTimeout: 2_000 })
  try {
    await c.query('SELECT 1')
    return true
  } finally {
    c.destroy()
  }
}

/** The SQL of the init file: root's per-run password and the extra accounts (idempotent, run at each start). */
export function initSql(password: string, users: readonly MysqlUser[]): string {
  const lines = [
    `ALTER USER 'root'@'localhost' IDENTIFIED BY ${literal(password)};`,
    `ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY ${literal(password)};`,
  ]
  for (const u of users) {
    for (const host of ['localhost', '127.0.0.1']) {
      lines.push(`CREATE OR REPLACE USER ${literal(u.name)}@'${host}' IDENTIFIED BY ${literal(u.password)};`)
      lines.push(`GRANT ${u.grant ?? 'ALL PRIVILEGES ON *.*'} TO ${literal(u.name)}@'${host}';`)
    }
  }
  return `${lines.join('\n')}\n`
}

/** Writes the init file (0600, server user); `removeInitFile` deletes it once the server has read it. */
export function writeInitFile(opts: StartProcessOptions): string | undefined {
  if (opts.password === undefined) return undefined
  const file = path.join(opts.runDir, 'init.sql')
  fs.writeFileSync(file, initSql(opts.password, opts.users ?? []), { mode: 0o600 })
  if (opts.ids) fs.chownSync(file, opts.ids.uid, opts.ids.gid)
  return file
}

export function removeInitFile(runDir: string): void {
  fs.rmSync(path.join(runDir, 'init.sql'), { force: true })
}

/** Starts `mariadbd` on a free loopback port (picking again if the port was taken meanwhile). */
export async function startMariadbProcess(opts: StartProcessOptions): Promise<ServiceProcess> {
  const initFile = writeInitFile(opts)
  const logsToFile = Object.keys(opts.config).some((k) => /^log[-_]error$/i.test(k))
  const start = (port: number | undefined) => {
    const access = rootAccess({ runDir: opts.runDir, port, password: opts.password })
    const args = serverArgs({
      dataDir: path.join(opts.runDir, 'data'),
      runDir: opts.runDir,
      port,
      durable: opts.durable,
      initFile,
      config: opts.config,
    })
    return startService({
      name: opts.name ?? 'mariadb',
      command: opts.bins.server,
      args,
      env: { LC_ALL: 'C', LANG: undefined, TZ: 'UTC', MYSQL_PWD: undefined, MYSQL_HOST: undefined },
      uid: opts.ids?.uid,
      gid: opts.ids?.gid,
      port,
      // the probe logs in with this start's random password: a server of someone else that won the race
      // for the port cannot pass it, so the /proc scan for the socket's owner is not needed
      checkPortOwner: opts.password === undefined,
      stopSignal: 'SIGTERM',
      stopGraceMs: 10_000,
      readyTimeoutMs: opts.timeoutMs,
      readyIntervalMs: 5,
      readyWhat:
        port !== undefined
          ? `MariaDB to accept connections on ${LOOPBACK}:${port}`
          : `MariaDB to accept connections on its socket in ${opts.runDir}`,
      // with the error log in a file of the user's choice the gate cannot see it: probe right away
      ready: ({ service }) =>
        logsToFile || loggedReady(service.logs(200)) ? probe(access) : Promise.resolve(false),
    })
  }
  try {
    if (opts.network === false) return await start(undefined)
    if (opts.port !== undefined) return await start(opts.port)
    return await withPortRetry((port) => start(port))
  } finally {
    removeInitFile(opts.runDir)
  }
}
