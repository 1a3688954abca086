import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { buildOnce, EnvironmentError, type UserIds } from '@infra/fixture-core'
import mysql from 'mysql2/promise'
import { applyMigrations, type MigrationSet } from '../database/migrations.js'
import { ident, literal, templateName } from '../database/names.js'
import type { MariadbBinaries } from './binaries.js'
import { LAYOUT_ARGS } from './server-args.js'
import { copyDataDir, createServerDir } from './server-dir.js'
import { rootAccess, startMariadbProcess } from './server-process.js'

const execFileAsync = promisify(execFile)

/** `mariadb-install-db` flags; with the server version and {@link LAYOUT_ARGS}, the cache key. */
export const INSTALL_ARGS = [
  '--auth-root-authentication-method=normal',
  '--skip-test-db',
  '--skip-name-resolve',
]

export interface CacheContext {
  bins: MariadbBinaries
  ids: UserIds | undefined
  timeoutMs: number
  tmpDir: string | undefined
}

const installInputs = (bins: MariadbBinaries) => ({
  version: bins.version,
  server: bins.server,
  args: [...INSTALL_ARGS, ...LAYOUT_ARGS],
  layout: 1,
})

/**
 * A fresh data directory from `mariadb-install-db` (`<result>/data`), made once per (server version,
 * install flags). It is built in a private directory as the server user and then copied to the cache.
 */
export function cachedInstall(ctx: CacheContext): Promise<string> {
  return buildOnce({
    kind: 'mariadb-install',
    inputs: installInputs(ctx.bins),
    build: async (out) => {
      const work = await createServerDir(ctx.tmpDir, ctx.ids)
      try {
        const dataDir = path.join(work.path, 'data')
        try {
          await execFileAsync(
            ctx.bins.installDb,
            ['--no-defaults', `--datadir=${dataDir}`, ...INSTALL_ARGS, ...LAYOUT_ARGS],
            { uid: ctx.ids?.uid, gid: ctx.ids?.gid, env: { ...process.env, LC_ALL: 'C' }, timeout: 120_000 },
          )
        } catch (err) {
          const e = err as { stderr?: string; stdout?: string; message: string }
          throw new EnvironmentError(
            `mariadb-install-db failed (${ctx.bins.installDb}): ${(e.stderr || e.stdout || e.message).slice(-3000)}`,
            { cause: err },
          )
        }
        await copyDataDir(dataDir, path.join(out, 'data'), undefined)
      } finally {
        await work.remove()
      }
    },
  }).then((dir) => path.join(dir, 'data'))
}

/**
 * A data directory holding the migrated template database `infra_tpl_<hash>` (`<result>/data`), made once
 * per (install, migrations hash): root is left only at localhost and 127.0.0.1, the `sys` schema is dropped,
 * and the migrations run in a server that listens on its private socket only. A failing migration throws `MigrationError` and caches nothing.
 */
export async function cachedTemplate(ctx: CacheContext, migrations: MigrationSet): Promise<string> {
  const base = await cachedInstall(ctx)
  const template = templateName(migrations.hash)
  const dir = await buildOnce({
    kind: 'mariadb-template',
    inputs: { install: installInputs(ctx.bins), migrations: migrations.hash, template, layout: 2 },
    build: async (out) => {
      const work = await createServerDir(ctx.tmpDir, ctx.ids)
      try {
        await copyDataDir(base, path.join(work.path, 'data'), ctx.ids)
        const server = await startMariadbProcess({
          bins: ctx.bins,
          runDir: work.path,
          ids: ctx.ids,
          durable: false,
          config: {},
          timeoutMs: ctx.timeoutMs,
          network: false,
          name: 'mariadb-template-build',
        })
        try {
          const conn = await mysql.createConnection({
            ...rootAccess({ runDir: work.path }),
            multipleStatements: true,
          })
          try {
            await keepLoopbackRootOnly(conn)
            // the sys schema (diagnostic views, ~300 files) would only slow down every copy of the data dir
            await conn.query('DROP DATABASE IF EXISTS sys')
            await conn.query(`CREATE DATABASE ${ident(template)}`)
            await conn.query(`USE ${ident(template)}`)
            await applyMigrations(conn, migrations)
          } finally {
            await conn.end().catch(() => conn.destroy())
          }
        } finally {
          await server.stop()
        }
        await copyDataDir(path.join(work.path, 'data'), path.join(out, 'data'), undefined)
      } finally {
        await work.remove()
      }
    },
  })
  return path.join(dir, 'data')
}

/** Drops root accounts other than root@localhost and root@127.0.0.1 (the host name, ::1). */
async function keepLoopbackRootOnly(conn: mysql.Connection): Promise<void> {
  const [rows] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT Host AS h FROM mysql.user WHERE User = 'root' AND Host NOT IN ('localhost', '127.0.0.1')",
  )
  for (const r of rows) await conn.query(`DROP USER 'root'@${literal(String(r.h))}`)
}
