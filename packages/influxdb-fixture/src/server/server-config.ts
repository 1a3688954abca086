import path from 'node:path'
import { LOOPBACK } from '@infra/fixture-core'
import { mergeToml, renderToml, type TomlConfig } from './toml.js'

export interface ServerConfigInput {
  /** The server's run directory: meta, data and WAL live here. */
  dir: string
  httpPort: number
  rpcPort: number
  /** User overrides (already checked against the owned keys). */
  config?: TomlConfig
}

/**
 * influxd's config: no usage reporting, no `_internal` monitor database, HTTP and the RPC (backup/restore)
 * service on loopback only, meta/data/WAL in the run dir, quiet logs.
 */
export function buildServerConfig(input: ServerConfigInput): string {
  const { dir } = input
  const defaults: TomlConfig = {
    meta: { 'logging-enabled': false },
    data: { 'query-log-enabled': false, 'trace-logging-enabled': false },
    subscriber: { enabled: false },
    http: { 'log-enabled': false, 'pprof-enabled': false, 'auth-enabled': false },
    logging: { level: 'info', 'suppress-logo': true },
    continuous_queries: { 'log-enabled': false, 'run-interval': '1s' },
  }
  const merged = mergeToml(defaults, input.config)
  const owned: TomlConfig = {
    'reporting-disabled': true,
    'bind-address': `${LOOPBACK}:${input.rpcPort}`,
    meta: { ...tableOf(merged, 'meta'), dir: path.join(dir, 'meta') },
    data: { ...tableOf(merged, 'data'), dir: path.join(dir, 'data'), 'wal-dir': path.join(dir, 'wal') },
    monitor: { ...tableOf(merged, 'monitor'), 'store-enabled': false },
    http: {
      ...tableOf(merged, 'http'),
      enabled: true,
      'bind-address': `${LOOPBACK}:${input.httpPort}`,
      'https-enabled': false,
      'unix-socket-enabled': false,
    },
  }
  return renderToml({ ...merged, ...owned })
}

function tableOf(config: TomlConfig, name: string): Record<string, string | number | boolean> {
  const t = config[name]
  return typeof t === 'object' ? { ...t } : {}
}
