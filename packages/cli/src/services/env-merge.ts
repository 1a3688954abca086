import { UsageError } from '../errors.js'
import type { ServiceRequest } from './request.js'

/**
 * One env for all services. A service with an `envPrefix` gets it on every name. Otherwise the first
 * service of a kind keeps the plain names (`DATABASE_URL`) and the n-th of the same kind gets `_<n>`
 * (`DATABASE_URL_2`, `PGHOST_2`, …), in the order they were asked for. Two services still landing on
 * the same name is a `UsageError` (give one an `envPrefix` in the config).
 */
export function mergeEnv(
  started: readonly { request: ServiceRequest; env: Record<string, string> }[],
): Record<string, string> {
  const merged: Record<string, string> = {}
  const owner = new Map<string, string>()
  const seen = new Map<string, number>()
  for (const { request, env } of started) {
    let suffix = ''
    if (request.envPrefix === undefined) {
      const n = (seen.get(request.kind.name) ?? 0) + 1
      seen.set(request.kind.name, n)
      if (n > 1) suffix = `_${n}`
    }
    for (const [key, value] of Object.entries(env)) {
      const name = `${request.envPrefix ?? ''}${key}${suffix}`
      const other = owner.get(name)
      if (other !== undefined) {
        throw new UsageError(
          `services '${other}' and '${request.name}' both export ${name}; give one an envPrefix in infra.config.json`,
        )
      }
      owner.set(name, request.name)
      merged[name] = value
    }
  }
  return merged
}
