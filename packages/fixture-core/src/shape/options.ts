import { InvalidOptionsError } from '../errors.js'

/**
 * One option's check: throws `InvalidOptionsError` for a bad value. `undefined` (not given) is always allowed:
 * defaults are the fixture's business.
 */
export type OptionCheck = (value: unknown, key: string) => void

/** A check for every key of `T`: the compiler reports a key the schema forgets. */
export type OptionSchema<T> = { [K in keyof Required<T>]: OptionCheck }

function fail(key: string, expected: string, value: unknown): never {
  throw new InvalidOptionsError(key, `expected ${expected}, got ${describe(value)}`)
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'function') return 'a function'
  if (Array.isArray(value)) return 'an array'
  if (value === null) return 'null'
  if (typeof value === 'object') return 'an object'
  return String(value)
}

/** The checks fixtures share. Each ignores `undefined`. */
export const check = {
  /** An integer in [min, max]. */
  int(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): OptionCheck {
    return (value, key) => {
      if (value === undefined) return
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        fail(key, `an integer from ${min} to ${max}`, value)
      }
    }
  },
  /** A finite duration in milliseconds, > 0 (or >= 0 with `allowZero`). */
  ms({ allowZero = false }: { allowZero?: boolean } = {}): OptionCheck {
    return (value, key) => {
      if (value === undefined) return
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
        fail(key, `a finite number of milliseconds ${allowZero ? '>= 0' : '> 0'}`, value)
      }
    }
  },
  /** A TCP port, 1..65535 (0 is not a port: omit the option for an ephemeral one). */
  port(): OptionCheck {
    return (value, key) => {
      if (value === undefined) return
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
        fail(key, 'a port from 1 to 65535 (omit it for an ephemeral port)', value)
      }
    }
  },
  boolean(): OptionCheck {
    return (value, key) => {
      if (value !== undefined && typeof value !== 'boolean') fail(key, 'true or false', value)
    }
  },
  /** A string; non-empty unless `allowEmpty`. */
  string({ allowEmpty = false }: { allowEmpty?: boolean } = {}): OptionCheck {
    return (value, key) => {
      if (value === undefined) return
      if (typeof value !== 'string' || (!allowEmpty && value.length === 0))
        fail(key, 'a non-empty string', value)
    }
  },
  /** One of the listed values. */
  oneOf(...allowed: readonly unknown[]): OptionCheck {
    return (value, key) => {
      if (value === undefined || allowed.includes(value)) return
      fail(key, `one of ${allowed.map((a) => describe(a)).join(', ')}`, value)
    }
  },
  /** A config map: `{ directive: string | number | boolean }` (server configuration lines). */
  configMap(): OptionCheck {
    return (value, key) => {
      if (value === undefined) return
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        fail(key, 'an object of { directive: value }', value)
      }
      for (const [name, v] of Object.entries(value)) {
        if (
          !['string', 'number', 'boolean'].includes(typeof v) ||
          (typeof v === 'number' && !Number.isFinite(v))
        ) {
          fail(`${key}.${name}`, 'a string, a finite number or a boolean', v)
        }
      }
    }
  },
  /** A URL string whose protocol is one of `protocols` (default http and https). */
  url(protocols: readonly string[] = ['http:', 'https:']): OptionCheck {
    return (value, key) => {
      if (value === undefined) return
      if (typeof value !== 'string' || !URL.canParse(value)) fail(key, 'a URL', value)
      const protocol = new URL(value).protocol
      if (!protocols.includes(protocol)) fail(key, `a URL with ${protocols.join(' or ')}`, value)
    }
  },
  /** A function. */
  func(): OptionCheck {
    return (value, key) => {
      if (value !== undefined && typeof value !== 'function') fail(key, 'a function', value)
    }
  },
  /** A string (a path) or a function: the shape of a `migrations` option. */
  pathOrFunction(): OptionCheck {
    return (value, key) => {
      if (value === undefined) return
      if (!(typeof value === 'function' || (typeof value === 'string' && value.length > 0))) {
        fail(key, 'a directory path or a function', value)
      }
    }
  },
  /** An array whose every element passes `element`. */
  arrayOf(element: OptionCheck, { minLength = 0 }: { minLength?: number } = {}): OptionCheck {
    return (value, key) => {
      if (value === undefined) return
      if (!Array.isArray(value) || value.length < minLength) {
        fail(key, `an array${minLength > 0 ? ` of at least ${minLength}` : ''}`, value)
      }
      for (const [i, v] of value.entries()) element(v, `${key}[${i}]`)
    }
  },
  /** A plain object whose keys follow `schema` (nested options). */
  object<T extends object>(schema: OptionSchema<T>, where?: string): OptionCheck {
    return (value, key) => {
      if (value === undefined) return
      checkOptions(where ?? key, value as T, schema, key)
    }
  },
  /** Anything: for values the fixture checks itself (say why beside it). */
  any(): OptionCheck {
    return () => {}
  },
} as const

/**
 * Checks `options` against `schema`: an unknown key throws `InvalidOptionsError` naming it and the nearest
 * known key (`'prot' is not an option of startRedis(); did you mean 'port'?`), then each value is checked.
 * Returns `options` (or `{}`), typed, so a start function can write `const o = checkOptions(…)`.
 */
export function checkOptions<T extends object>(
  where: string,
  options: T | undefined,
  schema: OptionSchema<T>,
  prefix = '',
): T {
  if (options === undefined || options === null) return {} as T
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionsError(
      prefix || 'options',
      `${where} expects an options object, got ${describe(options)}`,
    )
  }
  const known = Object.keys(schema)
  for (const key of Object.keys(options)) {
    if (!Object.hasOwn(schema, key)) {
      const near = nearestKey(key, known)
      const hint = near ? ` Did you mean '${near}'?` : ''
      throw new InvalidOptionsError(
        prefix ? `${prefix}.${key}` : key,
        `not an option of ${where}.${hint} Known options: ${known.join(', ')}.`,
      )
    }
  }
  for (const key of known) {
    const value = (options as Record<string, unknown>)[key]
    ;(schema as Record<string, OptionCheck>)[key]!(value, prefix ? `${prefix}.${key}` : key)
  }
  return options
}

/** The known key closest to `key` by edit distance (case-insensitive), if it is close enough to be a typo. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  const limit = Math.max(2, Math.floor(key.length / 3))
  return bestDistance <= limit ? best : undefined
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution)
    }
    previous = current
  }
  return previous[b.length]!
}
