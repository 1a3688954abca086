// The naive paths the fixture is measured against, run in the same process as ours.
import { execFile } from 'node:child_process'
import path from 'node:path'
import { promisify } from 'node:util'
import { unprivilegedUser } from '@infra/fixture-core'
import type mysql from 'mysql2/promise'
import { ident } from '../src/database/names.js'
import type { SqlStatement } from '../src/database/sql-split.js'
import type { MariadbBinaries } from '../src/server/binaries.js'
import { INSTALL_ARGS } from '../src/server/data-cache.js'
import { LAYOUT_ARGS } from '../src/server/server-args.js'
import { createServerDir } from '../src/server/server-dir.js'
import { startMariadbProcess } from '../src/server/server-process.js'

const execFileAsync = promisify(execFile)

/**
 * `mariadb-install-db` into a fresh directory, then start `mariadbd` until it answers: no cache at all, but
 * the same install flags and server settings as the fixture (so only the caching differs).
 */
export async function installAndStart(bins: MariadbBinaries): Promise<number> {
  const ids = unprivilegedUser()
  const t0 = performance.now()
  const dir = await createServerDir(undefined, ids)
  try {
    await execFileAsync(
      bins.installDb,
      ['--no-defaults', `--datadir=${path.join(dir.path, 'data')}`, ...INSTALL_ARGS, ...LAYOUT_ARGS],
      { uid: ids?.uid, gid: ids?.gid, timeout: 120_000 },
    )
    const proc = await startMariadbProcess({
      bins,
      runDir: dir.path,
      ids,
      durable: false,
      config: {},
      timeoutMs: 60_000,
      password: 'anchor',
    })
    const ms = performance.now() - t0
    await proc.stop()
    return ms
  } finally {
    await dir.remove()
  }
}

/** What a test without the fixture does: `CREATE DATABASE` and run every migration in it. */
export async function createAndMigrate(
  conn: mysql.Connection,
  name: string,
  statements: SqlStatement[],
): Promise<number> {
  const t0 = performance.now()
  await conn.query(`CREATE DATABASE ${ident(name)}`)
  await conn.query(`USE ${ident(name)}`)
  for (const s of statements) await conn.query(s.sql)
  return performance.now() - t0
}
