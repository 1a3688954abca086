// Snapshot versions from the real changesets setup, computed in a throwaway copy of the workspace
// manifests so the repository is never modified: `changeset version --snapshot` runs there with the
// repo's .changeset/ (config + pending changesets) plus one extra changeset that bumps every public
// package, so each gets a snapshot version even if no pending changeset names it.
import { copyFileSync, cpSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { run, StepError } from './run.mjs'
import { readJson, workspaceDirs } from './workspace.mjs'

export const SNAPSHOT_TAG = 'rt'

/**
 * Returns Map(name → snapshot version) for `packages`, and checks the changesets config on the way:
 * changelogs are generated for public packages, private ones (apps, tooling) are left alone.
 */
export async function snapshotVersions(root, copyDir, packages) {
  mkdirSync(copyDir, { recursive: true })
  for (const file of ['package.json', 'pnpm-workspace.yaml'])
    copyFileSync(join(root, file), join(copyDir, file))
  cpSync(join(root, '.changeset'), join(copyDir, '.changeset'), { recursive: true })
  const dirs = workspaceDirs(root)
  for (const dir of dirs) {
    mkdirSync(join(copyDir, dir), { recursive: true })
    copyFileSync(join(root, dir, 'package.json'), join(copyDir, dir, 'package.json'))
  }
  // the changelog generator (@changesets/cli/changelog) is resolved from the copy's .changeset dir
  symlinkSync(join(root, 'node_modules'), join(copyDir, 'node_modules'), 'dir')
  const bumps = packages.map((pkg) => `"${pkg.name}": patch`).join('\n')
  writeFileSync(
    join(copyDir, '.changeset', 'zz-release-test-snapshot.md'),
    `---\n${bumps}\n---\n\nRelease test snapshot (tooling/release).\n`,
  )
  // a git repo of its own: changesets looks up the commits that added the changesets for changelogs
  await run('git init (copy)', 'git', ['init', '-q', '-b', 'main'], { cwd: copyDir, timeoutMs: 20_000 })

  const privateBefore = new Map()
  for (const dir of dirs) {
    const manifest = readJson(join(copyDir, dir, 'package.json'))
    if (manifest.private) privateBefore.set(dir, manifest.version)
  }

  await run(
    'changeset version --snapshot',
    process.execPath,
    [join(root, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version', '--snapshot', SNAPSHOT_TAG],
    { cwd: copyDir, timeoutMs: 60_000 },
  )

  const versions = new Map()
  for (const pkg of packages) {
    const rel = pkg.dir.slice(root.length + 1)
    const manifest = readJson(join(copyDir, rel, 'package.json'))
    if (manifest.version === pkg.version || !manifest.version.includes(`-${SNAPSHOT_TAG}-`)) {
      throw new StepError(
        `changeset version --snapshot did not give ${pkg.name} a snapshot version (${manifest.version})`,
      )
    }
    if (!existsSync(join(copyDir, rel, 'CHANGELOG.md'))) {
      throw new StepError(
        `changeset version wrote no CHANGELOG.md for ${pkg.name}: check .changeset/config.json`,
      )
    }
    versions.set(pkg.name, manifest.version)
  }
  for (const [dir, version] of privateBefore) {
    const now = readJson(join(copyDir, dir, 'package.json')).version
    if (now !== version) {
      throw new StepError(
        `changesets versioned the private package in ${dir} (${version} → ${now}): it must be ignored`,
      )
    }
  }
  return versions
}
