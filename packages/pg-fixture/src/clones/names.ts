import crypto from 'node:crypto'

/** Quotes an SQL identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}

/** A short random lowercase hex id. */
export function randomId(bytes = 4): string {
  return crypto.randomBytes(bytes).toString('hex')
}

/**
 * Prefix for the databases one process creates: unique per process (pid + random), and marked as
 * ours (`infra_`), so external servers and parallel workers never collide.
 */
export function databasePrefix(): string {
  return `infra_t${process.pid}_${randomId(2)}_`
}

/** Adds query parameters to a postgres URL (e.g. `application_name`), keeping everything else. */
export function withParams(url: string, params: Record<string, string>): string {
  const u = new URL(url)
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v)
  return u.toString()
}

/** Replaces the database of a postgres URL (keeps credentials, host and parameters). */
export function withDatabase(url: string, database: string, params?: Record<string, string>): string {
  const u = new URL(url)
  u.pathname = `/${encodeURIComponent(database)}`
  const extra = Object.entries(params ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&')
  if (extra) u.search = u.search ? `${u.search}&${extra}` : `?${extra}`
  return u.toString()
}
