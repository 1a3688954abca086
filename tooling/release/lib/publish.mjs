// Pack each public package with pnpm (which turns `workspace:` ranges into real ones), give the packed
// manifest its snapshot version, and publish the tarball to the throwaway registry with npm.
// Nothing in the repository is written: tarballs and manifests live in the temp dir.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { run, StepError } from './run.mjs'
import { entryPoints, readJson } from './workspace.mjs'

const DEP_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies']

/** `workspace:^` → `^1.2.3`, `workspace:*` → `1.2.3`, `workspace:~` → `~1.2.3` (what pnpm publish does). */
function workspaceRange(spec, version) {
  const range = spec.slice('workspace:'.length)
  if (range === '*' || range === '') return version
  if (range === '^' || range === '~') return `${range}${version}`
  return range
}

export async function packAndPublish({ root, pkg, version, versions, workDir, registry, npmrc }) {
  const dir = join(workDir, pkg.name.replace('@', '').replace('/', '__'))
  const packDir = join(dir, 'pack')
  mkdirSync(packDir, { recursive: true })
  await run(`pnpm pack ${pkg.name}`, 'pnpm', ['pack', '--pack-destination', packDir], {
    cwd: pkg.dir,
    timeoutMs: 60_000,
  })
  const tarball = readdirSync(packDir).find((file) => file.endsWith('.tgz'))
  if (!tarball) throw new StepError(`pnpm pack ${pkg.name} produced no tarball in ${packDir}`)
  const extractDir = join(dir, 'extract')
  mkdirSync(extractDir)
  await run(`untar ${pkg.name}`, 'tar', ['-xzf', join(packDir, tarball), '-C', extractDir], {
    timeoutMs: 30_000,
  })
  const manifestPath = join(extractDir, 'package', 'package.json')
  const manifest = readJson(manifestPath)
  const missing = entryPoints(manifest).filter((file) => !existsSync(join(extractDir, 'package', file)))
  if (missing.length > 0) {
    throw new StepError(
      `${pkg.name}: the packed tarball lacks files its manifest points at: ${missing.join(', ')}`,
    )
  }
  manifest.version = version
  for (const field of DEP_FIELDS) {
    for (const [dep, spec] of Object.entries(manifest[field] ?? {})) {
      const source = pkg.manifest[field]?.[dep]
      if (versions.has(dep) && typeof source === 'string' && source.startsWith('workspace:')) {
        manifest[field][dep] = workspaceRange(source, versions.get(dep))
      } else if (String(spec).startsWith('workspace:')) {
        throw new StepError(`${pkg.name}: packed ${field}.${dep} is still "${spec}"`)
      }
    }
  }
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
  const snapshotTarball = join(dir, `${pkg.name.replace('@', '').replace('/', '-')}-${version}.tgz`)
  await run(`repack ${pkg.name}`, 'tar', ['-czf', snapshotTarball, '-C', extractDir, 'package'], {
    timeoutMs: 30_000,
  })
  await lintTarball(root, pkg.name, snapshotTarball, manifest)
  await run(
    `npm publish ${pkg.name}@${version}`,
    'npm',
    [
      'publish',
      snapshotTarball,
      '--registry',
      registry.url,
      '--tag',
      'snapshot',
      '--access',
      'public',
      '--ignore-scripts',
      '--userconfig',
      npmrc,
    ],
    { cwd: dir, timeoutMs: 90_000 },
  )
  return { name: pkg.name, version, manifest }
}

/**
 * publint --strict and attw on exactly the tarball that gets published: the node16 profile for every
 * subpath with a `require` condition, the esm-only profile for the ESM-only ones (the `./vitest` subpaths:
 * vitest cannot be required), as each package's own `test` script does.
 */
async function lintTarball(root, name, tarball, manifest) {
  const bin = (tool) => join(root, 'node_modules', '.bin', tool)
  const cwd = dirname(tarball)
  const esmOnly = esmOnlySubpaths(manifest)
  const attw = (label, args) =>
    run(`attw ${label} ${name}`, bin('attw'), [tarball, ...args, '--format', 'ascii'], {
      cwd,
      timeoutMs: 120_000,
    })
  await Promise.all([
    run(`publint --strict ${name}`, bin('publint'), ['run', tarball, '--strict'], { cwd, timeoutMs: 60_000 }),
    attw('node16', ['--profile', 'node16', ...(esmOnly.length ? ['--exclude-entrypoints', ...esmOnly] : [])]),
    ...(esmOnly.length ? [attw('esm-only', ['--profile', 'esm-only', '--entrypoints', ...esmOnly])] : []),
  ])
}

/** Exported subpaths that have no `require` condition (`import`, or `default` in an ESM package). */
function esmOnlySubpaths(manifest) {
  const exports = manifest?.exports
  if (!exports || typeof exports !== 'object') return []
  return Object.entries(exports)
    .filter(([key, value]) => key.startsWith('.') && value && typeof value === 'object')
    .filter(([, value]) => !('require' in value) && ('import' in value || manifest.type === 'module'))
    .map(([key]) => key)
}

/** Asks the registry what it serves for a package: the snapshot must be there, under the `snapshot` tag. */
export async function assertPublished(registry, name, version) {
  const response = await fetch(new URL(name.replace('/', '%2f'), registry.url), {
    signal: AbortSignal.timeout(15_000),
  })
  const body = await response.json().catch(() => ({}))
  if (!response.ok || !body.versions?.[version] || body['dist-tags']?.snapshot !== version) {
    throw new StepError(
      `registry does not serve ${name}@${version} under the snapshot tag (HTTP ${response.status})`,
    )
  }
}
