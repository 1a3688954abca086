import { check, InvalidOptionsError, type OptionCheck, type OptionSchema } from '@infra/fixture-core'

/** A login role created at start (local servers). */
export interface PostgresUser {
  /** Role name: lowercase letters, digits and `_`, not starting with a digit; not `postgres` (see `password`). */
  name: string
  /** Its password; part of `userUrl(name)`. */
  password: string
  /** How it authenticates over TCP: `scram` (SCRAM-SHA-256, default) or `md5` (password stored as md5). */
  auth?: 'scram' | 'md5'
  /** `SUPERUSER` (default false: a plain `LOGIN` role). */
  superuser?: boolean
}

const USER: OptionSchema<PostgresUser> = {
  name: check.string(),
  password: check.string(),
  auth: check.oneOf('scram', 'md5'),
  superuser: check.boolean(),
}

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** Checks `users`: the fields, simple role names, no duplicates, not the admin user. */
export const USERS: OptionCheck = (value, key) => {
  if (value === undefined) return
  check.arrayOf(check.object(USER))(value, key)
  const seen = new Set<string>()
  for (const [i, u] of (value as PostgresUser[]).entries()) {
    for (const field of ['name', 'password'] as const) {
      if (u[field] === undefined) throw new InvalidOptionsError(`${key}[${i}].${field}`, 'missing')
    }
    if (!ROLE_NAME.test(u.name)) {
      throw new InvalidOptionsError(
        `${key}[${i}].name`,
        `${JSON.stringify(u.name)} is not a simple role name (lowercase letters, digits, _; at most 63)`,
      )
    }
    if (u.name === 'postgres') {
      throw new InvalidOptionsError(
        `${key}[${i}].name`,
        "'postgres' is the admin user: set its password with `password`",
      )
    }
    if (seen.has(u.name)) throw new InvalidOptionsError(`${key}[${i}].name`, `'${u.name}' twice`)
    seen.add(u.name)
  }
}

/** A password (`password`, `users[].password`): no NUL byte, which no protocol message can carry. */
export const PASSWORD: OptionCheck = (value, key) => {
  if (value === undefined) return
  check.string()(value, key)
  if ((value as string).includes('\0')) throw new InvalidOptionsError(key, 'contains a NUL byte')
}

function literal(s: string): string {
  return `'${s.replace(/'/g, "''")}'`
}

/**
 * Client authentication: TCP (the only thing other local users can reach) needs a password — SCRAM,
 * or md5 for the users created with `auth: 'md5'` — and with `requireTls` TLS too (`hostssl` only: a
 * plain connection finds no entry). The unix socket lives in the 0700 data dir, so only the server's own
 * user (and root) can reach it, and it is trusted: that is how the passwords get set.
 */
export function hbaConf(opts: { requireTls?: boolean; users?: readonly PostgresUser[] } = {}): string {
  const type = opts.requireTls ? 'hostssl' : 'host'
  const lines = ['# written by @infra/pg-fixture', 'local all all trust']
  for (const u of opts.users ?? []) {
    if (u.auth !== 'md5') continue
    lines.push(`${type} all "${u.name}" 127.0.0.1/32 md5`, `${type} all "${u.name}" ::1/128 md5`)
  }
  lines.push(`${type} all all 127.0.0.1/32 scram-sha-256`, `${type} all all ::1/128 scram-sha-256`)
  return `${lines.join('\n')}\n`
}

/**
 * The statements that set the admin password and create `users` (through the trusted socket). Committed
 * synchronously: with the test server's synchronous_commit=off a change could still sit in WAL buffers
 * when a backend crash makes the server reinitialise, and crash recovery would then lose it (28P01 afterwards).
 */
export function roleSql(superuser: string, password: string, users: readonly PostgresUser[] = []): string {
  const sql = [
    'SET synchronous_commit TO on',
    "SET password_encryption TO 'scram-sha-256'",
    `ALTER ROLE ${superuser} PASSWORD ${literal(password)}`,
  ]
  for (const u of users) {
    sql.push(
      `SET password_encryption TO '${u.auth === 'md5' ? 'md5' : 'scram-sha-256'}'`,
      `CREATE ROLE "${u.name}" LOGIN${u.superuser ? ' SUPERUSER' : ''} PASSWORD ${literal(u.password)}`,
    )
  }
  return sql.join(';\n')
}
