/** A scalar in influxd's TOML config. */
export type TomlScalar = string | number | boolean
/** influxd config overrides: top-level keys and `[section]` tables, e.g. `{ data: { 'cache-max-memory-size': 1e9 } }`. */
export interface TomlConfig {
  readonly [key: string]: TomlScalar | { readonly [key: string]: TomlScalar }
}

const KEY = /^[A-Za-z0-9_-]+$/

export function isTable(v: unknown): v is Record<string, TomlScalar> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isScalar(v: unknown): v is TomlScalar {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
}

/** Why `config` cannot be rendered (the first bad key), or undefined. */
export function tomlProblem(config: unknown, path: string): string | undefined {
  if (!isTable(config)) return `${path}: expected an object`
  for (const [k, v] of Object.entries(config)) {
    if (!KEY.test(k)) return `${path}.${k}: not a TOML key of influxd`
    if (isScalar(v)) continue
    if (!isTable(v)) return `${path}.${k}: expected a string, finite number, boolean or a table of them`
    for (const [k2, v2] of Object.entries(v)) {
      if (!KEY.test(k2)) return `${path}.${k}.${k2}: not a TOML key of influxd`
      if (!isScalar(v2)) return `${path}.${k}.${k2}: expected a string, finite number or boolean`
    }
  }
  return undefined
}

function value(v: TomlScalar): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v)
}

/** `base` with `over` merged in: tables merge key by key, scalars replace. */
export function mergeToml(base: TomlConfig, over: TomlConfig | undefined): TomlConfig {
  if (!over) return base
  const out: Record<string, TomlScalar | Record<string, TomlScalar>> = { ...base }
  for (const [k, v] of Object.entries(over)) {
    const b = out[k]
    out[k] = isTable(b) && isTable(v) ? { ...b, ...v } : v
  }
  return out
}

/** TOML text: top-level keys first, then one `[table]` per section. */
export function renderToml(config: TomlConfig): string {
  const lines: string[] = []
  const tables: [string, Record<string, TomlScalar>][] = []
  for (const [k, v] of Object.entries(config)) {
    if (isTable(v)) tables.push([k, v])
    else lines.push(`${k} = ${value(v)}`)
  }
  for (const [name, table] of tables) {
    lines.push('', `[${name}]`)
    for (const [k, v] of Object.entries(table)) lines.push(`  ${k} = ${value(v)}`)
  }
  return `${lines.join('\n')}\n`
}
