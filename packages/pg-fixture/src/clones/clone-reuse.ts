import type { AdminConnection } from '../connection/admin-connection.js'

/**
 * The fast path for a database given back untouched: it is handed out again (under a new name) instead of
 * being dropped and cloned again, as IntegreSQL does for databases returned unmodified.
 *
 * The rule, conservative — any doubt means a re-clone:
 * 1. `ALTER DATABASE … RENAME` to a fresh name succeeds. PostgreSQL refuses it while anyone is connected
 *    (prepared transactions included), and a client still connecting by the old name fails afterwards
 *    ("database does not exist"), so no late client of the old test can reach the next one. Checks and
 *    rename run in one transaction (one `DO` block): a database found touched keeps its name and is dropped.
 * 2. No client session was ever opened on it: in `pg_stat_database` `sessions`, transactions and tuple
 *    counters are 0 and its stats were never reset. A backend flushes its statistics before it leaves the
 *    process array, so once the rename succeeded every session that ended is counted. A session that only
 *    read counts too (it may have called `nextval()`, taken a lock, made a temp table).
 * 3. Its `pg_database` row is unchanged (no `ALTER DATABASE`, `GRANT`), no per-database settings, comment,
 *    prepared transaction or replication slot refers to it.
 * 4. The server's statistics were not reset by a crash since the clone was made (the `pg_stat_bgwriter`
 *    reset time is the same), and `track_counts` is on.
 * Only on PostgreSQL ≥ 15 (statistics in shared memory; before, they were sent over UDP and could be late or lost).
 */
export const REUSE_MIN_VERSION = 150000

/** What the fast path compares at release: taken right after the clone was made. */
export interface CloneFingerprint {
  /** The clone's `pg_database` row without its name and freeze horizons, as text. */
  row: string
  /** `pg_stat_bgwriter.stats_reset` when the clone was made: changes when a crash discards the statistics. */
  statsEpoch: string | null
}

const ROW = `(to_jsonb(d) - ARRAY['datname', 'datfrozenxid', 'datminmxid'])::text`
const EPOCH = '(SELECT stats_reset::text FROM pg_stat_bgwriter)'

/** The fingerprint of the fresh clone `name`. */
export async function fingerprint(admin: AdminConnection, name: string): Promise<CloneFingerprint> {
  const r = await admin.query<{ row: string; epoch: string | null }>(
    `SELECT ${ROW} AS row, ${EPOCH} AS epoch FROM pg_database d WHERE d.datname = $1`,
    [name],
  )
  const row = r.rows[0]
  if (!row) throw new Error(`the clone ${name} vanished right after it was made`)
  return { row: row.row, statsEpoch: row.epoch }
}

/** SQLSTATEs of a rename refused because of what was done with the database: not errors, just "touched". */
const TOUCHED = new Set(['55006', '3D000', '42P04', 'IFT01'])

/** An SQL string literal, whatever `standard_conforming_strings` says. */
const lit = (s: string | null) => (s === null ? 'NULL' : `E'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`)

/** True when the database `db` is untouched (rule 2–4 above) compared with `fp`. */
const check = (db: string, fp: CloneFingerprint) => `(SELECT ${ROW} = ${lit(fp.row)}
    AND s.numbackends = 0 AND s.sessions = 0 AND s.xact_commit = 0 AND s.xact_rollback = 0
    AND s.tup_inserted = 0 AND s.tup_updated = 0 AND s.tup_deleted = 0 AND s.stats_reset IS NULL
    AND NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datid = d.oid)
    AND NOT EXISTS (SELECT 1 FROM pg_db_role_setting WHERE setdatabase = d.oid)
    AND NOT EXISTS (SELECT 1 FROM pg_shdescription WHERE objoid = d.oid AND classoid = 'pg_database'::regclass)
    AND NOT EXISTS (SELECT 1 FROM pg_prepared_xacts WHERE database = d.datname)
    AND NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE database = d.datname)
    AND ${EPOCH} = ${lit(fp.statsEpoch)}
    AND current_setting('track_counts')::boolean
  FROM pg_database d JOIN pg_stat_database s ON s.datid = d.oid
 WHERE d.datname = ${lit(db)})`

/**
 * Renames the untouched database `name` to `fresh` (see the rule above), in one transaction and one round
 * trip: checked, renamed, checked again with fresh statistics (a session may have ended in between),
 * committed only when clean. While it runs a client connecting by the old name waits for it and then fails.
 * True when the database now is `fresh`; false when it was touched and still is `name`.
 */
export async function tryReuse(
  admin: AdminConnection,
  name: string,
  fresh: string,
  fp: CloneFingerprint,
): Promise<boolean> {
  const sql = `DO $reuse$ BEGIN
  -- a cheap refusal first: a database in use would keep the rename waiting up to 5 s for its sessions
  IF ${check(name, fp)} IS NOT TRUE THEN RETURN; END IF;
  -- the new name must survive a crash of a non-durable server (synchronous_commit off) like the clone does
  PERFORM set_config('synchronous_commit', 'on', true);
  EXECUTE format('ALTER DATABASE %I RENAME TO %I', ${lit(name)}, ${lit(fresh)});
  PERFORM pg_stat_clear_snapshot();
  IF ${check(fresh, fp)} IS NOT TRUE THEN
    RAISE EXCEPTION 'infra: database % was touched', ${lit(name)} USING ERRCODE = 'IFT01';
  END IF;
END $reuse$;
SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ${lit(fresh)}) AS clean`
  if (sql.split('$reuse$').length !== 3) return false // a quote inside: not worth the risk
  // most databases come back used: a plain query tells so without the transaction below
  const used = await admin.query<{ used: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_stat_database WHERE datname = $1
        AND (sessions > 0 OR numbackends > 0 OR xact_commit > 0 OR xact_rollback > 0)) AS used`,
    [name],
  )
  if (used.rows[0]?.used !== false) return false
  try {
    const results = (await admin.query(sql)) as unknown as { rows: { clean?: boolean }[] }[]
    return results[results.length - 1]?.rows[0]?.clean === true
  } catch (err) {
    if (TOUCHED.has(String((err as { code?: unknown }).code))) return false
    throw err
  }
}
