import { LOOPBACK } from '@infra/fixture-core'

/** InnoDB settings that shape the files on disk: used by `mariadb-install-db` and every start alike. */
export const LAYOUT_ARGS = ['--innodb-log-file-size=4M', '--innodb-buffer-pool-size=32M']

/** Trades durability for speed (the default): no flush at commit, no doublewrite buffer. */
const SPEED_ARGS = ['--innodb-flush-log-at-trx-commit=0', '--skip-innodb-doublewrite', '--skip-sync-frm']

export interface ServerArgsInput {
  dataDir: string
  /** The server's own directory: socket, pid file, tmp. */
  runDir: string
  /** `undefined`: `--skip-networking` (socket only). */
  port: number | undefined
  durable: boolean
  initFile?: string
  config: Record<string, string | number | boolean>
}

/** A my.cnf directive as a command-line flag: `true` → `--name`, `false` → `--skip-name`. */
export function directiveFlag(name: string, value: string | number | boolean): string {
  if (value === true) return `--${name}`
  if (value === false) return `--skip-${name}`
  return `--${name}=${value}`
}

/**
 * The `mariadbd` command line: no option files at all (`--no-defaults`: never /etc/mysql), 127.0.0.1 and
 * the given port, socket and pid file in the server's own directory, no binlog, utf8mb4, then the user's
 * directives last (they win).
 */
export function serverArgs(input: ServerArgsInput): string[] {
  return [
    '--no-defaults',
    `--datadir=${input.dataDir}`,
    `--socket=${input.runDir}/mysqld.sock`,
    `--pid-file=${input.runDir}/mysqld.pid`,
    `--tmpdir=${input.runDir}`,
    ...(input.port === undefined
      ? ['--skip-networking']
      : [`--port=${input.port}`, `--bind-address=${LOOPBACK}`]),
    '--skip-name-resolve',
    '--skip-log-bin',
    '--max-connections=300',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_unicode_ci',
    ...LAYOUT_ARGS,
    // the default 12 MB temporary tablespace is written in full at every start
    '--innodb-temp-data-file-path=ibtmp1:1M:autoextend',
    // the 128 MB MyISAM key cache and Aria page cache are set up at start: ~20% of the server's start CPU
    '--key-buffer-size=1M',
    '--aria-pagecache-buffer-size=8M',
    // io_uring setup costs more at start than it saves a test server on tmpfs
    '--innodb-use-native-aio=0',
    ...(input.durable ? [] : SPEED_ARGS),
    ...(input.initFile ? [`--init-file=${input.initFile}`] : []),
    ...Object.entries(input.config).map(([k, v]) => directiveFlag(k, v)),
  ]
}
