import path from 'node:path'
import { debugLogger, unprivilegedUser } from '@infra/fixture-core'
import mysql from 'mysql2/promise'
import { applyMigrations, loadMigrations } from './database/migrations.js'
import { ident, randomId, templateName } from './database/names.js'
import type { MysqlConnectionInfo } from './handles.js'
import { Mysql } from './mysql.js'
import { type MysqlOptions, resolveOptions } from './options.js'
import { resolveMariadb } from './server/binaries.js'
import { cachedTemplate } from './server/data-cache.js'
import { copyDataDir, createServerDir } from './server/server-dir.js'
import { ROOT_USER, type StartProcessOptions, startMariadbProcess } from './server/server-process.js'

/**
 * Starts MariaDB for tests. `local` (default): its own `mariadbd` on 127.0.0.1 and an ephemeral port, from a
 * cached data directory with the migrated template inside, with a random root password for this run.
 * `external`: the server at `url` / `INFRA_MYSQL_URL`; creates and drops only its own databases.
 */
export async function startMysql(options: MysqlOptions = {}): Promise<Mysql> {
  const debug = debugLogger('infra:mysql')
  const t0 = performance.now()
  const lap = (what: string) => debug?.(`${what} after ${Math.round(performance.now() - t0)} ms`)
  const o = resolveOptions(options)
  const migrations = loadMigrations(o)
  if (o.provider === 'external') {
    const url = o.url!.replace(/^mariadb:/, 'mysql:')
    // a template of this handle's own: dropped at stop, never shared with another run
    const template = `${templateName(migrations.hash)}_${randomId(3)}`
    const conn = await mysql.createConnection({ uri: url, multipleStatements: true, connectTimeout: 10_000 })
    try {
      await conn.query(`CREATE DATABASE ${ident(template)} CHARACTER SET utf8mb4`)
      try {
        await conn.query(`USE ${ident(template)}`)
        await applyMigrations(conn, migrations)
      } catch (err) {
        await conn.query(`DROP DATABASE IF EXISTS ${ident(template)}`).catch(() => {})
        throw err
      }
    } finally {
      await conn.end().catch(() => conn.destroy())
    }
    return new Mysql({
      provider: 'external',
      attached: false,
      url,
      template,
      ownsTemplate: true,
      poolSize: o.poolSize,
    })
  }
  const ids = unprivilegedUser()
  const bins = await resolveMariadb()
  const templateData = await cachedTemplate(
    { bins, ids, timeoutMs: o.startTimeoutMs, tmpDir: o.tmpDir },
    migrations,
  )
  lap('cached template ready')
  const dir = await createServerDir(o.tmpDir, ids)
  try {
    await copyDataDir(templateData, path.join(dir.path, 'data'), ids)
    lap(`data dir copied to ${dir.path}`)
    const startOptions: StartProcessOptions = {
      bins,
      runDir: dir.path,
      ids,
      durable: o.durable,
      config: o.config,
      timeoutMs: o.startTimeoutMs,
      port: o.port,
      password: randomId(16),
      users: o.users,
    }
    const proc = await startMariadbProcess(startOptions)
    lap(`mariadbd ready on port ${proc.port}`)
    // restart() keeps the port the server got
    startOptions.port = proc.port
    return new Mysql({
      provider: 'local',
      attached: false,
      url: `mysql://${ROOT_USER}:${startOptions.password}@127.0.0.1:${proc.port}/`,
      template: templateName(migrations.hash),
      ownsTemplate: false,
      poolSize: o.poolSize,
      process: proc,
      dir,
      startOptions,
    })
  } catch (err) {
    await dir.remove()
    throw err
  }
}

/**
 * A handle on a server someone else started (a vitest global setup): hands out copies of its template with
 * this process's own pool and names, and drops only those. No lifecycle control.
 */
export function attachMysql(info: MysqlConnectionInfo, opts: { poolSize?: number } = {}): Mysql {
  return new Mysql({
    provider: info.provider,
    attached: true,
    url: info.url,
    template: info.template,
    ownsTemplate: false,
    poolSize: opts.poolSize ?? 2,
  })
}
