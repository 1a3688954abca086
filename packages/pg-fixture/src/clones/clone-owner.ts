import { debugLogger } from '@infra/fixture-core'
import type pg from 'pg'
import type { AdminConnection } from '../connection/admin-connection.js'
import { ident } from './names.js'

const debug = debugLogger('infra:postgres')

/** `infra_t<pid>_<rand>_<n>`: a clone; group 1 is its owner's prefix (see `databasePrefix()`). */
const CLONE_NAME = /^(infra_t\d+_[0-9a-f]+_)\d+$/

/** The advisory-lock key of an owner prefix, computed by the server (the same in every session). */
const LOCK_KEY = `('x' || substr(md5($1), 1, 16))::bit(64)::bigint`

/**
 * Marks `prefix` as owned by a live process: a session-level advisory lock on `client` (the admin
 * connection the clone pool creates its databases with). PostgreSQL releases it when the session ends —
 * also when the process is SIGKILLed, its vitest worker force-stopped or its machine gone — which is how
 * {@link reapAbandonedClones} tells abandoned clones from ones in use, on any machine.
 */
export async function claimOwner(client: pg.Client, prefix: string): Promise<void> {
  const r = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`, [prefix])
  // held by another session: a live owner with the same prefix (pid and 16 random bits alike), never ours
  if (!r.rows[0]?.ok) throw new Error(`the clone prefix ${prefix} is in use by another live session`)
}

/**
 * Drops the clones (`infra_t<pid>_<rand>_<n>`) whose owner is gone: a process that ended without `stop()`
 * (SIGKILL, a force-stopped vitest worker, a crash). An owner holds its prefix's advisory lock for as long as
 * it lives (see {@link claimOwner}); a prefix whose lock this session can take has no live owner. Never
 * touches `ownPrefix`, templates, the shared database or anything not named like a clone. Returns the names
 * it dropped.
 */
export async function reapAbandonedClones(admin: AdminConnection, ownPrefix?: string): Promise<string[]> {
  const rows = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'infra\\_t%' ORDER BY 1`,
  )
  const byOwner = new Map<string, string[]>()
  for (const { datname } of rows.rows) {
    const owner = CLONE_NAME.exec(datname)?.[1]
    if (!owner || owner === ownPrefix) continue
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), datname])
  }
  const dropped: string[] = []
  for (const [owner, names] of byOwner) {
    const free = await admin.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`, [owner])
    if (!free.rows[0]?.ok) continue
    try {
      for (const name of names) {
        await admin.query(`DROP DATABASE IF EXISTS ${ident(name)} WITH (FORCE)`)
        dropped.push(name)
      }
    } finally {
      await admin.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [owner]).catch(() => {})
    }
  }
  if (dropped.length > 0) {
    debug?.(
      `postgres: dropped ${dropped.length} clone(s) left by owners that ended without stop(): ${dropped.join(', ')}`,
    )
  }
  return dropped
}
