// The release test must leave the repository as it found it. Other engineers may be editing files at
// the same time, so this compares only what a release could touch: package versions, CHANGELOG.md files
// and the pending changesets.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { StepError } from './run.mjs'
import { readJson, workspaceDirs } from './workspace.mjs'

export function repoSnapshot(root) {
  const state = {}
  for (const dir of workspaceDirs(root)) {
    state[`${dir}/package.json#version`] = readJson(join(root, dir, 'package.json')).version ?? null
    state[`${dir}/CHANGELOG.md`] = existsSync(join(root, dir, 'CHANGELOG.md'))
  }
  state['.changeset/'] = readdirSync(join(root, '.changeset')).sort().join(',')
  return state
}

export function assertRepoUnchanged(root, before) {
  const after = repoSnapshot(root)
  const changed = Object.keys({ ...before, ...after }).filter(
    (key) => key in before && key in after && before[key] !== after[key],
  )
  if (changed.length > 0) {
    throw new StepError(
      `the release test modified the repository: ${changed.map((k) => `${k}: ${before[k]} → ${after[k]}`).join('; ')}`,
    )
  }
}
