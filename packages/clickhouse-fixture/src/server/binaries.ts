import { BinaryNotFoundError, resolveBinary } from '@infra/fixture-core'

/** How to run a ClickHouse server: Debian's `clickhouse-server`, or the single `clickhouse` binary's `server`. */
export interface ServerCommand {
  command: string
  /** Arguments before the server's own (`['server']` for the single binary). */
  args: readonly string[]
}

const INSTALL_HINT = 'apt-get install clickhouse-server (or bash tooling/bootstrap.sh)'
const KNOWN_DIRS = ['/usr/sbin', '/usr/bin', '/usr/local/bin']

/**
 * Finds the server: `$CLICKHOUSE_SERVER_BIN` → `clickhouse-server` on PATH or in /usr/sbin → the
 * `clickhouse` binary (official builds) run as `clickhouse server`.
 */
export function clickhouseServerCommand(): ServerCommand {
  const override = process.env.CLICKHOUSE_SERVER_BIN
  const spec = { envVar: 'CLICKHOUSE_SERVER_BIN', installHint: INSTALL_HINT, knownDirs: KNOWN_DIRS }
  if (override) {
    const command = resolveBinary({ name: 'clickhouse-server', ...spec })
    return { command, args: /(^|\/)clickhouse$/.test(command) ? ['server'] : [] }
  }
  try {
    return { command: resolveBinary({ name: 'clickhouse-server', ...spec }), args: [] }
  } catch (err) {
    if (!(err instanceof BinaryNotFoundError)) throw err
    try {
      return { command: resolveBinary({ name: 'clickhouse', ...spec }), args: ['server'] }
    } catch {
      throw err
    }
  }
}
