import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { chownRecursive, copyDataDir, EnvironmentError, type UserIds } from '@infra/fixture-core'
import pg from 'pg'
import type { PgBinaries } from '../server/binaries.js'
import { buildCached } from '../server/cache-root.js'
import { adminUrl, newPassword, SUPERUSER, startPostgresProcess } from '../server/server-process.js'
import { type MigrationSet, migrateDatabase, templateName } from './migrations.js'

const execFileAsync = promisify(execFile)

/** initdb flags; part of the cache key. A 1 MB WAL segment keeps the copied data dir small. */
const INITDB_ARGS = [
  '--no-sync',
  '--auth=trust',
  `--username=${SUPERUSER}`,
  '--encoding=UTF8',
  '--locale=C',
  '--wal-segsize=1',
  '--no-instructions',
]

export interface CacheContext {
  bins: PgBinaries
  ids: UserIds | undefined
  cacheRoot: string | undefined
  timeoutMs: number
}

/** The binaries' part of a cache key: a data dir only fits the major (and build) that made it. */
function binKey(bins: PgBinaries) {
  return {
    source: bins.source,
    major: bins.major,
    version: bins.version,
    dir: bins.source === 'embedded' ? null : bins.binDir,
  }
}

/** An initdb'd data directory (`<result>/data`), built once per (binaries, initdb flags). */
export function cachedInitdb(ctx: CacheContext): Promise<string> {
  return buildCached({
    kind: 'pg-initdb',
    root: ctx.cacheRoot,
    inputs: { bins: binKey(ctx.bins), args: INITDB_ARGS, layout: 1 },
    build: async (dir) => {
      chownRecursive(dir, ctx.ids)
      try {
        await execFileAsync(
          path.join(ctx.bins.binDir, 'initdb'),
          ['-D', path.join(dir, 'data'), ...INITDB_ARGS],
          {
            uid: ctx.ids?.uid,
            gid: ctx.ids?.gid,
            env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
            timeout: 120_000,
          },
        )
      } catch (err) {
        const e = err as { stderr?: string; message: string }
        throw new EnvironmentError(`initdb failed (${ctx.bins.binDir}/initdb): ${e.stderr || e.message}`, {
          cause: err,
        })
      }
    },
  }).then((dir) => path.join(dir, 'data'))
}

/**
 * A data directory holding the migrated template database (`<result>/data`), built once per
 * (binaries, initdb flags, migrations hash): a second run copies it instead of migrating again.
 * A failing migration throws and caches nothing.
 */
export async function cachedTemplate(ctx: CacheContext, migrations: MigrationSet): Promise<string> {
  const base = await cachedInitdb(ctx)
  const template = templateName(migrations.hash)
  const dir = await buildCached({
    kind: 'pg-template',
    root: ctx.cacheRoot,
    inputs: { bins: binKey(ctx.bins), args: INITDB_ARGS, migrations: migrations.hash, template, layout: 2 },
    build: async (out) => {
      chownRecursive(out, ctx.ids)
      const dataDir = path.join(out, 'data')
      await copyDataDir(base, dataDir, ctx.ids)
      const password = newPassword()
      const server = await startPostgresProcess({
        password,
        bins: ctx.bins,
        dataDir,
        ids: ctx.ids,
        durable: false,
        timeoutMs: ctx.timeoutMs,
        name: 'postgres-template-build',
      })
      let ok = false
      try {
        const admin = new pg.Client({ connectionString: adminUrl(server.port!, 'postgres', password) })
        await admin.connect()
        try {
          await admin.query(`CREATE DATABASE ${template}`)
          await migrateDatabase(adminUrl(server.port!, template, password), migrations)
          await admin.query(`ALTER DATABASE ${template} WITH IS_TEMPLATE true`)
          await admin.query('CHECKPOINT')
        } finally {
          await admin.end()
        }
        ok = true
      } finally {
        if (ok) await server.stop()
        else await server.kill()
      }
      fs.rmSync(path.join(dataDir, 'postmaster.opts'), { force: true })
    },
  })
  return path.join(dir, 'data')
}
