import fs from 'node:fs'
import path from 'node:path'
import { InvalidOptionsError, type UserIds } from '@infra/fixture-core'

/** Settings naming a file the server reads: copied into the data dir (owned by the server's user, 0600). */
const FILE_SETTINGS = [
  'hba_file',
  'ident_file',
  'ssl_cert_file',
  'ssl_key_file',
  'ssl_ca_file',
  'ssl_crl_file',
]
/** Settings naming a path that is only resolved (PostgreSQL would take it relative to the data dir). */
const PATH_SETTINGS = ['ssl_crl_dir', 'ssl_dh_params_file', 'krb_server_keyfile']

/**
 * Makes the relative paths of path-valued settings (`hba_file`, `ssl_cert_file`, …) absolute against
 * `base` — the caller's cwd, or vitest's root in a global setup — instead of the hidden data dir.
 */
export function resolveConfigPaths<T extends Record<string, unknown>>(config: T, base: string): T {
  const out: Record<string, unknown> = { ...config }
  for (const key of [...FILE_SETTINGS, ...PATH_SETTINGS]) {
    const v = out[key]
    if (typeof v === 'string' && v) out[key] = path.resolve(base, v)
  }
  return out as T
}

/** Names of the path-valued settings (for the README and tests). */
export const CONFIG_PATH_SETTINGS: readonly string[] = [...FILE_SETTINGS, ...PATH_SETTINGS]

export interface PreparedConfig {
  /** The settings to pass with `-c` (file settings pointing at the copies; without `hba_file`). */
  settings: Record<string, string>
  /** The contents of the user's `hba_file`: put in place once the passwords are set (see server-process). */
  hba?: string
}

/**
 * Copies the files the settings name into the data dir, so the server's user (the unprivileged one when
 * the tests run as root) can read them and PostgreSQL accepts the key's mode. `hba_file` is held back:
 * the server starts with the fixture's own rules (trusted socket) to set the passwords, then switches.
 */
export function prepareConfigFiles(
  config: Record<string, string>,
  dataDir: string,
  ids: UserIds | undefined,
): PreparedConfig {
  const settings = { ...config }
  let hba: string | undefined
  for (const key of FILE_SETTINGS) {
    const file = settings[key]
    if (!file) continue
    let content: Buffer
    try {
      content = fs.readFileSync(file)
    } catch (err) {
      throw new InvalidOptionsError(`config.${key}`, `cannot read ${file}: ${(err as Error).message}`)
    }
    if (key === 'hba_file') {
      hba = content.toString('utf8')
      delete settings[key]
      continue
    }
    const copy = path.join(dataDir, `fixture-${key.replace(/_/g, '-')}`)
    fs.writeFileSync(copy, content, { mode: 0o600 })
    if (ids) fs.chownSync(copy, ids.uid, ids.gid)
    settings[key] = copy
  }
  return { settings, ...(hba === undefined ? {} : { hba }) }
}
