import crypto from 'node:crypto'
import path from 'node:path'
import { LOOPBACK } from '@infra/fixture-core'
import { mergeXml, type XmlTree, xmlDocument } from './xml.js'

export interface ServerConfigInput {
  /** The server's run directory: data, tmp, configs. */
  dir: string
  httpPort: number
  tcpPort: number
  /** User overrides (already checked against the owned keys). */
  config?: XmlTree
}

/** Files the server reads, all inside `dir`: it never looks at /etc/clickhouse-server or /etc/metrika.xml. */
export function configPaths(dir: string) {
  return {
    config: path.join(dir, 'config.xml'),
    users: path.join(dir, 'users.xml'),
    // an empty substitutions file of our own, or the server stats /etc/metrika.xml
    includes: path.join(dir, 'metrika.xml'),
  }
}

/** `config.xml`: loopback only, own paths, small caches, no system log tables, UTC. */
export function buildServerConfig(input: ServerConfigInput): string {
  const { dir } = input
  const files = configPaths(dir)
  const defaults: XmlTree = {
    timezone: 'UTC',
    mark_cache_size: 64 * 1024 * 1024,
    uncompressed_cache_size: 64 * 1024 * 1024,
    max_concurrent_queries: 100,
    max_connections: 1024,
    keep_alive_timeout: 3,
    mlock_executable: false,
    default_profile: 'default',
    default_database: 'default',
  }
  const owned: XmlTree = {
    logger: { level: 'information', console: 1 },
    listen_host: LOOPBACK,
    http_port: input.httpPort,
    tcp_port: input.tcpPort,
    path: `${path.join(dir, 'data')}/`,
    tmp_path: `${path.join(dir, 'tmp')}/`,
    user_files_path: `${path.join(dir, 'user_files')}/`,
    format_schema_path: `${path.join(dir, 'format_schemas')}/`,
    users_config: files.users,
    include_from: files.includes,
  }
  return xmlDocument({ ...mergeXml(defaults, input.config), ...owned })
}

/** `users.xml`: the `default` user with `password` (stored as SHA-256), from 127.0.0.1 only. */
export function buildUsersConfig(password: string, users: XmlTree | undefined, includes: string): string {
  const hash = crypto.createHash('sha256').update(password).digest('hex')
  const base: XmlTree = {
    profiles: { default: {} },
    users: {
      default: {
        password_sha256_hex: hash,
        networks: { ip: LOOPBACK },
        profile: 'default',
        quota: 'default',
      },
    },
    quotas: { default: {} },
  }
  return xmlDocument({ include_from: includes, ...mergeXml(base, users) })
}

/** The substitutions file (`include_from`): empty. */
export const EMPTY_INCLUDES = xmlDocument({})

/** A random password for the `default` user of one server. */
export function randomPassword(): string {
  return crypto.randomBytes(12).toString('hex')
}
