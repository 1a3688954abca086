import { resolveBinary } from '@infra/fixture-core'

const INSTALL_HINT = 'apt-get install redis-server redis-sentinel (or bash tooling/bootstrap.sh)'
const KNOWN_DIRS = ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin', '/usr/sbin']

/** `redis-server`: `$REDIS_SERVER_BIN` → PATH → well-known dirs. */
export function redisServerBinary(): string {
  return resolveBinary({
    name: 'redis-server',
    envVar: 'REDIS_SERVER_BIN',
    installHint: INSTALL_HINT,
    knownDirs: KNOWN_DIRS,
  })
}

/** `redis-sentinel`: `$REDIS_SENTINEL_BIN` → PATH → well-known dirs. */
export function redisSentinelBinary(): string {
  return resolveBinary({
    name: 'redis-sentinel',
    envVar: 'REDIS_SENTINEL_BIN',
    installHint: INSTALL_HINT,
    knownDirs: KNOWN_DIRS,
  })
}

/** `redis-cli` (optional tooling, e.g. for `--cluster check`): `$REDIS_CLI_BIN` → PATH → well-known dirs. */
export function redisCliBinary(): string {
  return resolveBinary({
    name: 'redis-cli',
    envVar: 'REDIS_CLI_BIN',
    installHint: INSTALL_HINT,
    knownDirs: KNOWN_DIRS,
  })
}

/**
 * How to run a sentinel: `redis-sentinel <conf>`, or `redis-server <conf> --sentinel` when only
 * redis-server is installed (same binary, sentinel mode).
 */
export function redisSentinelCommand(): { command: string; extraArgs: string[] } {
  try {
    return { command: redisSentinelBinary(), extraArgs: [] }
  } catch (err) {
    if (process.env.REDIS_SENTINEL_BIN) throw err
    try {
      return { command: redisServerBinary(), extraArgs: ['--sentinel'] }
    } catch {
      throw err
    }
  }
}
