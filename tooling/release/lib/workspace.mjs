// What this workspace publishes: every packages/*/package.json without "private": true.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The packages another team installs in the release test (all must exist in strict mode). */
export const CONSUMED = [
  '@infra/pg-fixture',
  '@infra/redis-fixture',
  '@infra/ws-harness',
  '@infra/kafka-fixture',
  '@infra/mysql-fixture',
  '@infra/etcd-fixture',
  '@infra/toxiproxy-fixture',
  '@infra/clickhouse-fixture',
  '@infra/influxdb-fixture',
]

/** The ones the vitest check starts real servers with (one each, from the consumer's global setup). */
export const SERVICES_FOR_VITEST = [
  '@infra/pg-fixture',
  '@infra/redis-fixture',
  '@infra/mysql-fixture',
  '@infra/etcd-fixture',
  '@infra/toxiproxy-fixture',
  '@infra/clickhouse-fixture',
  '@infra/influxdb-fixture',
]

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

/** Public packages, sorted by name: { name, version, dir, manifest }. */
export function publicPackages(root) {
  const base = join(root, 'packages')
  const found = []
  for (const entry of readdirSync(base, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue
    const dir = join(base, entry.name)
    const file = join(dir, 'package.json')
    if (!existsSync(file)) continue
    const manifest = readJson(file)
    if (manifest.private === true) continue
    found.push({ name: manifest.name, version: manifest.version, dir, manifest })
  }
  return found.sort((a, b) => a.name.localeCompare(b.name))
}

/** Every workspace package dir (packages/*, apps/*, tooling/*) that has a package.json. */
export function workspaceDirs(root) {
  const dirs = []
  for (const group of ['packages', 'apps', 'tooling']) {
    const base = join(root, group)
    if (!existsSync(base)) continue
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(base, entry.name, 'package.json'))) {
        dirs.push(join(group, entry.name))
      }
    }
  }
  return dirs
}

/** Subpaths a package exports besides "./package.json": ['.', './vitest', ...]. */
export function exportedSubpaths(manifest) {
  if (!manifest.exports || typeof manifest.exports === 'string') return ['.']
  return Object.keys(manifest.exports).filter((key) => key !== './package.json' && !key.includes('*'))
}

/**
 * Whether a package can be released: its build output exists. A package directory that another engineer
 * has only started (no src, no build) is reported as missing rather than failing the whole run.
 */
export function isBuildable(pkg) {
  return existsSync(join(pkg.dir, 'src')) && existsSync(join(pkg.dir, 'tsup.config.ts'))
}

/** Every file a manifest points at: main, module, types, bin and each exports target. */
export function entryPoints(manifest) {
  const files = new Set()
  const walk = (value) => {
    if (typeof value === 'string') files.add(value)
    else if (value && typeof value === 'object') Object.values(value).forEach(walk)
  }
  for (const field of ['main', 'module', 'types', 'typings', 'bin', 'exports']) walk(manifest[field])
  return [...files].filter((file) => !file.includes('*'))
}

/** Whether the build output the manifest points at is all there. */
export function isBuilt(pkg) {
  return entryPoints(pkg.manifest).every((file) => existsSync(join(pkg.dir, file)))
}
