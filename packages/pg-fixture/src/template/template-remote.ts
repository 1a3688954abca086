import { ident, randomId, withDatabase } from '../clones/names.js'
import type { AdminConnection } from '../connection/admin-connection.js'
import { type MigrationSet, migrateDatabase, templateName } from './migrations.js'

/**
 * Makes sure the migrated template exists on an external server, keyed by the migrations hash:
 * built once (under an advisory lock, in a scratch database renamed into place when complete),
 * then reused by every run and worker while the hash holds. A failing migration leaves nothing behind.
 */
export async function ensureTemplate(
  admin: AdminConnection,
  url: string,
  migrations: MigrationSet,
): Promise<string> {
  const name = templateName(migrations.hash)
  const exists = async () =>
    (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate', [name])).rowCount ===
    1
  if (await exists()) return name
  await admin.query("SELECT pg_advisory_lock(hashtext('infra_pg_fixture_template'))")
  try {
    if (await exists()) return name
    const scratch = `${name}_b${randomId(3)}`
    await admin.query(`CREATE DATABASE ${ident(scratch)}`)
    try {
      await migrateDatabase(withDatabase(url, scratch), migrations)
      await admin.query(`DROP DATABASE IF EXISTS ${ident(name)}`)
      await admin.query(`ALTER DATABASE ${ident(scratch)} RENAME TO ${ident(name)}`)
      await admin.query(`ALTER DATABASE ${ident(name)} WITH IS_TEMPLATE true`)
    } catch (err) {
      await admin.query(`DROP DATABASE IF EXISTS ${ident(scratch)} WITH (FORCE)`).catch(() => {})
      throw err
    }
    return name
  } finally {
    await admin.query("SELECT pg_advisory_unlock(hashtext('infra_pg_fixture_template'))").catch(() => {})
  }
}
