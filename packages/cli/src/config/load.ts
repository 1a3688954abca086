import fs from 'node:fs'
import path from 'node:path'
import { check, checkOptions, InvalidOptionsError } from '@infra/fixture-core'
import { UsageError } from '../errors.js'
import { findKind, type ServiceRequest } from '../services/request.js'

export const CONFIG_FILE = 'infra.config.json'

/** A loaded `infra.config.json`: its services by name, in file order. */
export interface InfraConfig {
  path: string
  services: Record<string, ServiceRequest>
}

interface RawEntry {
  service?: string
  options?: Record<string, unknown>
  envPrefix?: string
}

/**
 * Parses the text of an `infra.config.json`:
 * `{ "services": { "<name>": { "service"?: "pg", "options"?: {…}, "envPrefix"?: "ORDERS_" } } }`.
 * `service` defaults to the entry's name; `options` go to the fixture's start function as they are
 * (it checks them: an unknown key is an `InvalidOptionsError`).
 */
export function parseConfig(text: string, file: string): InfraConfig {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw new UsageError(`${file} is not valid JSON: ${(err as Error).message}`)
  }
  const top = checkOptions(file, raw as { services?: Record<string, unknown> }, { services: check.any() })
  if (!top.services || typeof top.services !== 'object' || Array.isArray(top.services)) {
    throw new InvalidOptionsError('services', `${file} needs a "services" object, one entry per service`)
  }
  const services: Record<string, ServiceRequest> = {}
  for (const [name, value] of Object.entries(top.services)) {
    const where = `${file} services.${name}`
    const entry = checkOptions<RawEntry>(where, (value ?? {}) as RawEntry, {
      service: check.string(),
      options: check.any(), // the fixture's start function checks its own options (below: only "an object")
      envPrefix: check.string(),
    })
    const o = entry.options
    if (o !== undefined && (o === null || typeof o !== 'object' || Array.isArray(o))) {
      throw new InvalidOptionsError(`services.${name}.options`, `${where}: options must be an object`)
    }
    if (entry.envPrefix !== undefined && !/^[A-Z_][A-Z0-9_]*$/.test(entry.envPrefix)) {
      throw new InvalidOptionsError(
        `services.${name}.envPrefix`,
        `${where}: envPrefix must look like ORDERS_`,
      )
    }
    services[name] = {
      name,
      kind: findKind(entry.service ?? name),
      options: { ...(entry.options ?? {}) },
      ...(entry.envPrefix !== undefined ? { envPrefix: entry.envPrefix } : {}),
    }
  }
  return { path: file, services }
}

/** Reads `file`, or `infra.config.json` in `cwd` when it exists; undefined when there is none. */
export function loadConfig(file: string | undefined, cwd = process.cwd()): InfraConfig | undefined {
  const target = path.resolve(cwd, file ?? CONFIG_FILE)
  if (!fs.existsSync(target)) {
    if (file) throw new UsageError(`config file ${target} does not exist`)
    return undefined
  }
  return parseConfig(fs.readFileSync(target, 'utf8'), target)
}
