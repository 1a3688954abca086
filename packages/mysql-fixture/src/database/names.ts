import crypto from 'node:crypto'

/** Quotes an SQL identifier with backticks. */
export function ident(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``
}

/** Quotes an SQL string literal. */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
}

/** A random lowercase hex string. */
export function randomId(bytes = 4): string {
  return crypto.randomBytes(bytes).toString('hex')
}

/** Prefix of the databases one handle creates: unique per process and marked as ours (`infra_`). */
export function databasePrefix(): string {
  return `infra_t${process.pid}_${randomId(2)}_`
}

/** The template database of a migrations hash. */
export function templateName(hash: string): string {
  return `infra_tpl_${hash.slice(0, 16)}`
}

/** The URL of `database` on the server of `url` (credentials and parameters kept). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url)
  u.pathname = `/${encodeURIComponent(database)}`
  return u.toString()
}

/** A URL with its password hidden, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(invalid URL)'
  }
}
