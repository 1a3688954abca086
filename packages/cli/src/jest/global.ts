import { loadConfig } from '../config/load.js'
import { parseServiceArg } from '../services/request.js'
import { type RunningServices, startServices } from '../services/start-all.js'

/** Env var holding a service's `connectionInfo` as JSON, for `isolatedPostgres()`/`isolatedRedis()`. */
export const infoEnvName = (name: string) =>
  `INFRA_JEST_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_INFO`

const RUNNING = Symbol.for('@infra/cli/jest:running')
type Holder = { [RUNNING]?: RunningServices }

/**
 * A Jest `globalSetup`: starts `services` (the words of `infra up`: `pg`, `redis`, `kafka:3`, or names from
 * infra.config.json in Jest's rootDir/cwd) and puts their env into `process.env`, which the test workers
 * inherit (`DATABASE_URL`, `REDIS_URL`, … and each one's `connectionInfo` for the per-test helpers).
 * Pair it with `globalTeardown()`. If the run is killed, the watchdog stops the servers.
 */
export function globalSetup(services: readonly string[]): () => Promise<void> {
  return async () => {
    const config = loadConfig(undefined)
    const running = await startServices(services.map((s) => parseServiceArg(s, config)))
    Object.assign(process.env, running.env)
    for (const [name, info] of Object.entries(running.connectionInfo)) {
      if (info !== undefined) process.env[infoEnvName(name)] = JSON.stringify(info)
    }
    ;(globalThis as Holder)[RUNNING] = running
  }
}

/** A Jest `globalTeardown`: stops what `globalSetup()` started (bounded per server). */
export function globalTeardown(): () => Promise<void> {
  return async () => {
    const holder = globalThis as Holder
    await holder[RUNNING]?.stop()
    delete holder[RUNNING]
  }
}
