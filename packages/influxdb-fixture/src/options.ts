import { check, checkOptions, InvalidOptionsError, type OptionCheck } from '@infra/fixture-core'
import { isTable, type TomlConfig, tomlProblem } from './server/toml.js'

/** The retention policy each new database gets (InfluxQL durations: `INF`, `1h`, `7d`, `52w` …). */
export interface RetentionOptions {
  /** How long data is kept. Default `INF`: test timestamps may lie anywhere in time. */
  duration?: string
  /** Time range of one shard group. Default: the server's choice (7 days for `INF`). */
  shardDuration?: string
  /** The policy's name. Default `rp`. */
  name?: string
}

export interface InfluxDBOptions {
  /**
   * `local` (default): an own influxd on 127.0.0.1 and ephemeral ports. `external`: the server at `url` /
   * `$INFRA_INFLUXDB_URL`, where only the fixture's own databases are created and dropped. Default:
   * `external` when `url` or `$INFRA_INFLUXDB_URL` is set, else `local`.
   */
  provider?: 'local' | 'external'
  /** External provider: `http://[user:password@]host:8086` (default `$INFRA_INFLUXDB_URL`). */
  url?: string
  /**
   * influxd settings merged into the generated config, by section: `{ data: { 'cache-max-memory-size':
   * 1e9 }, coordinator: { 'query-timeout': '5s' } }`. Bind addresses, directories and reporting are the
   * fixture's.
   */
  config?: TomlConfig
  /** The retention policy of every database `database()` creates (default: `INF`, named `rp`). */
  retention?: RetentionOptions
  /**
   * Databases `database()` keeps ready (with the default retention), made in the background so that a test
   * takes one in about the time of a queue pop. Default 2; 0 makes each one on demand.
   */
  poolSize?: number
  /** Fixed HTTP port (default: ephemeral, retried on "address in use"). The RPC port stays ephemeral. */
  port?: number
  /** Finite start timeout (ms). Default 30 000. */
  startTimeoutMs?: number
  /** Graceful stop grace period before SIGKILL (ms). Default 10 000. */
  stopGraceMs?: number
}

/** Settings the fixture owns: an override would bind beyond loopback or write outside the run dir. */
export const OWNED_CONFIG: Record<string, readonly string[]> = {
  '': ['bind-address', 'reporting-disabled'],
  meta: ['dir'],
  data: ['dir', 'wal-dir'],
  http: ['bind-address', 'bind-socket', 'unix-socket-enabled', 'https-enabled'],
  monitor: ['store-enabled'],
}

const DURATION = /^(INF|inf|(\d+(ns|u|µ|ms|s|m|h|d|w))+)$/

function tomlConfig(): OptionCheck {
  return (value, key) => {
    if (value === undefined) return
    const problem = tomlProblem(value, key)
    if (problem) throw new InvalidOptionsError(key, problem)
    const config = value as TomlConfig
    for (const [section, keys] of Object.entries(OWNED_CONFIG)) {
      const table = section === '' ? config : config[section]
      if (!isTable(table)) continue
      for (const k of keys) {
        if (k in table) {
          throw new InvalidOptionsError(
            `${key}.${section ? `${section}.` : ''}${k}`,
            'is set by the fixture (loopback binds, directories in the run dir, no reporting)',
          )
        }
      }
    }
  }
}

function duration(): OptionCheck {
  return (value, key) => {
    if (value === undefined) return
    if (typeof value !== 'string' || !DURATION.test(value)) {
      throw new InvalidOptionsError(
        key,
        `expected an InfluxQL duration like 'INF', '1h', '7d', got ${JSON.stringify(value)}`,
      )
    }
  }
}

/** Checks a retention policy (also used by `database(options)`). */
export const retentionCheck: OptionCheck = check.object<RetentionOptions>(
  {
    duration: duration(),
    shardDuration: duration(),
    name: (value, key) => {
      check.string()(value, key)
      if (typeof value === 'string' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) {
        throw new InvalidOptionsError(key, 'expected an identifier ([A-Za-z_][A-Za-z0-9_]*)')
      }
    },
  },
  'the retention options',
)

/** Checks `options` (unknown keys throw `InvalidOptionsError` naming the nearest known one). */
export function checkInfluxOptions(options: InfluxDBOptions | undefined): InfluxDBOptions {
  return checkOptions('startInfluxDB()', options, {
    provider: check.oneOf('local', 'external'),
    url: check.url(),
    config: tomlConfig(),
    retention: retentionCheck,
    poolSize: check.int(0, 32),
    port: check.port(),
    startTimeoutMs: check.ms(),
    stopGraceMs: check.ms({ allowZero: true }),
  })
}
