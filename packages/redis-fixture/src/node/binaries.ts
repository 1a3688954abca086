import { resolveBinary } from '@infra/fixture-core'

const INSTALL_HINT = 'apt-get install redis-server redis-sentinel (or bash tooling/bootstrap.sh)'
/** Well-known install dirs searched after PATH. */
export const KNOWN_DIRS = ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin', '/usr/sbin']

function redisBinary(name: string, envVar: string): string {
  return resolveBinary({ name, envVar, installHint: INSTALL_HINT, knownDirs: KNOWN_DIRS })
}

/** `redis-server`: `$REDIS_SERVER_BIN` → PATH → well-known dirs. */
export function redisServerBinary(): string {
  return redisBinary('redis-server', 'REDIS_SERVER_BIN')
}

/** `redis-sentinel`: `$REDIS_SENTINEL_BIN` → PATH → well-known dirs. */
export function redisSentinelBinary(): string {
  return redisBinary('redis-sentinel', 'REDIS_SENTINEL_BIN')
}

/** `redis-cli` (optional tooling, e.g. for `--cluster check`): `$REDIS_CLI_BIN` → PATH → well-known dirs. */
export function redisCliBinary(): string {
  return redisBinary('redis-cli', 'REDIS_CLI_BIN')
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
