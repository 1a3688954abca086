import path from 'node:path'
import { unprivilegedUser } from '@infra/fixture-core'
import { AdminConnection } from './admin-connection.js'
import { resolvePgBinaries } from './binaries.js'
import { pgCacheRoot } from './cache-root.js'
import { cachedTemplate } from './data-cache.js'
import type { PostgresConnectionInfo } from './handles.js'
import { loadMigrations, templateName } from './migrations.js'
import { type PostgresOptions, resolveOptions } from './options.js'
import { Postgres } from './postgres.js'
import { copyDataDir, createServerDir } from './server-dir.js'
import { adminUrl, startPostgresProcess } from './server-process.js'
import { ensureTemplate } from './template-remote.js'

/**
 * Starts PostgreSQL for tests. `local` (default): its own server on 127.0.0.1 and an ephemeral
 * port, from a cached data directory with the migrated template inside. `external`: uses the server
 * at `url` / `INFRA_PG_URL` and creates and drops only its own databases.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<Postgres> {
  const o = resolveOptions(options)
  const migrations = loadMigrations(o)
  if (o.provider === 'external') {
    const url = o.url!
    const admin = new AdminConnection(url)
    try {
      const version = await admin.query<{ v: string }>('SHOW server_version_num')
      const template = await ensureTemplate(admin, url, migrations)
      return new Postgres({
        provider: 'external',
        url,
        template,
        serverVersionNum: Number(version.rows[0]!.v),
        poolSize: o.poolSize,
      })
    } finally {
      await admin.close()
    }
  }
  const ids = unprivilegedUser()
  const cacheRoot = pgCacheRoot(ids)
  const bins = await resolvePgBinaries({ binDir: o.binDir })
  const templateData = await cachedTemplate({ bins, ids, cacheRoot, timeoutMs: o.startTimeoutMs }, migrations)
  const dir = await createServerDir(o.tmpDir)
  try {
    const dataDir = path.join(dir.path, 'data')
    await copyDataDir(templateData, dataDir, ids)
    const proc = await startPostgresProcess({
      bins,
      dataDir,
      ids,
      durable: o.durable,
      config: o.config,
      timeoutMs: o.startTimeoutMs,
    })
    return new Postgres({
      provider: 'local',
      url: adminUrl(proc.port!),
      template: templateName(migrations.hash),
      serverVersionNum: bins.major * 10000,
      poolSize: o.poolSize,
      process: proc,
      dir,
    })
  } catch (err) {
    await dir.remove()
    throw err
  }
}

/**
 * A handle on a server someone else started (a vitest global setup): hands out clones of its
 * template with this process's own pool and names, and drops only those. No lifecycle control.
 */
export function attachPostgres(info: PostgresConnectionInfo, opts: { poolSize?: number } = {}): Postgres {
  return new Postgres({
    provider: 'attached',
    url: info.url,
    template: info.template,
    serverVersionNum: info.serverVersionNum,
    poolSize: opts.poolSize ?? 2,
  })
}
