import { readFileSync } from 'node:fs'

/**
 * Connection info of a postgres URL as environment variables for another process: `DATABASE_URL` and libpq's
 * `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD` (if any), `PGDATABASE`, and with TLS `PGSSLMODE`, `PGSSLROOTCERT`.
 */
export function connectionEnv(url: string): Record<string, string> {
  const u = new URL(url)
  const env: Record<string, string> = {
    DATABASE_URL: url,
    PGHOST: u.hostname,
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username || 'postgres'),
    PGDATABASE: decodeURIComponent(u.pathname.slice(1) || 'postgres'),
  }
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password)
  const sslmode = u.searchParams.get('sslmode')
  const sslrootcert = u.searchParams.get('sslrootcert')
  if (sslmode) env.PGSSLMODE = sslmode
  if (sslrootcert) env.PGSSLROOTCERT = sslrootcert
  return env
}

/** The CA a URL verifies its server with (`sslrootcert`): its file and its PEM. */
export function tlsOf(url: string): { ca: string; caFile: string } | undefined {
  const caFile = new URL(url).searchParams.get('sslrootcert')
  return caFile ? { caFile, ca: readFileSync(caFile, 'utf8') } : undefined
}
