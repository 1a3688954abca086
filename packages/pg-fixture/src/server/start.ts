import path from 'node:path'
import {
  check,
  checkOptions,
  clearCacheHint,
  copyDataDir,
  debugLogger,
  dirBytes,
  EnvironmentError,
  InvalidOptionsError,
  unprivilegedUser,
} from '@infra/fixture-core'
import { reapAbandonedClones } from '../clones/clone-owner.js'
import { AdminConnection } from '../connection/admin-connection.js'
import type { PostgresConnectionInfo } from '../connection/handles.js'
import { checkPostgresUrl, POOL_SIZE, type PostgresOptions, resolveOptions } from '../options.js'
import { hbaConf, roleSql } from '../security/auth.js'
import { cachedTls, installServerTls } from '../security/tls.js'
import { cachedTemplate } from '../template/data-cache.js'
import { loadMigrations, templateName } from '../template/migrations.js'
import { ensureTemplate } from '../template/template-remote.js'
import { resolvePgBinaries } from './binaries.js'
import { pgCacheRoot } from './cache-root.js'
import { prepareConfigFiles } from './config-files.js'
import { Postgres } from './postgres.js'
import { createServerDir } from './server-dir.js'
import { adminUrl, newPassword, SUPERUSER, startPostgresProcess } from './server-process.js'

const debug = debugLogger('infra:postgres')

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
    const target = new URL(url)
    debug?.(
      `postgres :${target.port || 5432} provider external (${o.url ? 'url option' : 'INFRA_PG_URL'}, ${target.hostname})`,
    )
    const admin = new AdminConnection(url)
    try {
      const version = await admin.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")
      const major = Math.floor(Number(version.rows[0]!.v) / 10000)
      if (o.version !== undefined && major !== o.version) {
        throw new EnvironmentError(
          `The external server at ${target.hostname}:${target.port || 5432} runs PostgreSQL ${major}, not the ${o.version} asked for by \`version\``,
        )
      }
      const template = await ensureTemplate(admin, url, migrations)
      // clones a previous run left behind when a process ended without stop() (a killed vitest worker)
      await reapAbandonedClones(admin)
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
  const bins = await resolvePgBinaries({ binDir: o.binDir, version: o.version })
  const tls = o.tls ? await cachedTls(cacheRoot) : undefined
  const templateData = await cachedTemplate({ bins, ids, cacheRoot, timeoutMs: o.startTimeoutMs }, migrations)
  const dir = await createServerDir(o.tmpDir, dirBytes(templateData))
  try {
    const dataDir = path.join(dir.path, 'data')
    await copyDataDir(templateData, dataDir, ids).catch((err: Error) => {
      throw new EnvironmentError(
        `Copying the cached PostgreSQL template ${templateData} failed: ${err.message}. ${clearCacheHint(path.dirname(templateData))}`,
        { cause: err },
      )
    })
    // per run unless chosen: carried in .url, so only whoever gets the url can connect
    const password = o.password ?? newPassword()
    const files = prepareConfigFiles(o.config, dataDir, ids)
    const proc = await startPostgresProcess({
      password,
      bins,
      dataDir,
      ids,
      durable: o.durable,
      config: { ...(tls ? installServerTls(tls, dataDir, ids) : {}), ...files.settings },
      timeoutMs: o.startTimeoutMs,
      // asked-for auth needs the unix socket (a too long tmpDir path is then an error); the default does not
      ...(o.password !== undefined || o.users.length > 0 || o.tls?.require
        ? {
            hba: hbaConf({ requireTls: o.tls?.require, users: o.users }),
            setupSql: roleSql(SUPERUSER, password, o.users),
          }
        : {}),
      finalHba: files.hba,
    })
    debug?.(
      `postgres :${proc.port} provider local: ${bins.source} binaries ${bins.version} (${bins.binDir}), data in ${dir.path}${ids ? `, running as ${ids.user}` : ''}`,
    )
    const params = tls ? `?sslmode=verify-full&sslrootcert=${encodeURIComponent(tls.caFile)}` : ''
    const userUrl = (user: string, pw: string) => `${adminUrl(proc.port!, 'postgres', pw, user)}${params}`
    return new Postgres({
      provider: 'local',
      url: userUrl(SUPERUSER, password),
      users: Object.fromEntries(o.users.map((u) => [u.name, userUrl(u.name, u.password)])),
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

export interface ConnectPostgresOptions {
  /** Ready clones this handle's own pool keeps (0..64). Default 2. */
  poolSize?: number
}

const CONNECTION_INFO = {
  provider: check.oneOf('local', 'external'),
  url: check.string(),
  template: check.string(),
  serverVersionNum: check.int(1),
  dataDir: check.string(),
  users: check.configMap(),
}

/**
 * A handle on a server another process started and shares (a vitest global setup: `connectionInfo`).
 * It reports that server's provider, hands out clones of its template with a pool and names of its own,
 * drops only those at `stop()`, and has no lifecycle control (`kill()` … throw `UnsupportedOperationError`).
 */
export function connectPostgres(
  info: PostgresConnectionInfo,
  options: ConnectPostgresOptions = {},
): Postgres {
  const o = checkOptions('connectPostgres()', options, { poolSize: POOL_SIZE })
  checkOptions('connectPostgres(info)', info, CONNECTION_INFO)
  for (const key of ['provider', 'url', 'template', 'serverVersionNum'] as const) {
    if (info[key] === undefined) {
      throw new InvalidOptionsError(`info.${key}`, 'missing: pass the connectionInfo of a started Postgres')
    }
  }
  checkPostgresUrl(info.url, 'info.url')
  return new Postgres({
    provider: info.provider,
    attached: true,
    url: info.url,
    template: info.template,
    serverVersionNum: info.serverVersionNum,
    dataDir: info.dataDir,
    ...(info.users ? { users: info.users } : {}),
    poolSize: o.poolSize ?? 2,
  })
}
