import type { InfraConfig } from '../config/load.js'
import { UnknownServiceError, UsageError } from '../errors.js'
import { SERVICES, type ServiceKind } from './catalog.js'

/** One service to start: what kind, with which options, under which name and env prefix. */
export interface ServiceRequest {
  /** The name it was asked for by (`pg`, `kafka:3`, or a config entry's key). */
  name: string
  kind: ServiceKind
  options: Record<string, unknown>
  /** Prefixes every env name of this service (config `envPrefix`), e.g. `ORDERS_` → `ORDERS_DATABASE_URL`. */
  envPrefix?: string
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = here
    }
  }
  return row[b.length]!
}

/** The service kind called `name` (or one of its aliases); `UnknownServiceError` naming the nearest. */
export function findKind(name: string): ServiceKind {
  const lower = name.toLowerCase()
  const kind = SERVICES.find((s) => s.name === lower || s.aliases.includes(lower))
  if (kind) return kind
  const names = SERVICES.flatMap((s) => [s.name, ...s.aliases])
  const best = names
    .map((n) => ({ n, d: distance(lower, n) }))
    .sort((x, y) => x.d - y.d)
    .find((x) => x.d <= Math.max(2, Math.floor(x.n.length / 3)))
  throw new UnknownServiceError(
    name,
    SERVICES.map((s) => s.name),
    best?.n,
  )
}

function versionOf(arg: string, kind: ServiceKind, version: string | undefined): Record<string, unknown> {
  if (version === undefined) return {}
  if (!/^[0-9][0-9A-Za-z.-]*$/.test(version)) {
    throw new UsageError(`'${arg}': the version after '@' must look like 16, 7.0 or 3.9.2`)
  }
  if (!kind.versioned) {
    throw new UsageError(
      `'${arg}': ${kind.name} has no version choice; only ${SERVICES.filter((s) => s.versioned)
        .map((s) => s.name)
        .join(', ')} take '@version'`,
    )
  }
  return { version: /^\d+$/.test(version) ? Number(version) : version }
}

/**
 * Turns one command-line word into a request: a config entry's name (`orders-db`), or a service kind
 * with an optional server version and node count (`pg`, `pg@16`, `kafka:3`, `kafka@3.9.2:3`, `etcd:3`).
 */
export function parseServiceArg(arg: string, config?: InfraConfig): ServiceRequest {
  const fromConfig = config?.services[arg]
  if (fromConfig) return fromConfig
  const [spec = '', count, ...rest] = arg.split(':')
  const [base = '', version] = spec.split(/@(.*)/s)
  const kind = findKind(base)
  const options = versionOf(arg, kind, version)
  if (count === undefined) return { name: arg, kind, options }
  if (rest.length > 0 || !/^[1-9]$/.test(count)) {
    throw new UsageError(`'${arg}': the node count after ':' must be a number from 1 to 9`)
  }
  if (!kind.cluster) {
    throw new UsageError(
      `'${arg}': ${kind.name} runs as one server; only ${SERVICES.filter((s) => s.cluster)
        .map((s) => s.name)
        .join(' and ')} take a node count`,
    )
  }
  return { name: arg, kind, options: { ...options, nodes: Number(count) } }
}
