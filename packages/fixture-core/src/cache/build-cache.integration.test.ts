import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { requireBuild, runnerPath } from '../../test/helpers.js'

const run = promisify(execFile)
const roots: string[] = []
afterAll(() => {
  for (const r of roots) fs.rmSync(r, { recursive: true, force: true })
})

describe('buildOnce across processes', () => {
  it('builds once when 4 processes ask for the same artifact at the same time', async () => {
    requireBuild()
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'fc-cache-test-'))
    roots.push(root)
    const counter = path.join(root, 'builds.log')
    const env = { ...process.env, INFRA_CACHE_DIR: path.join(root, 'cache'), COUNTER: counter }
    const ask = () =>
      run(process.execPath, [runnerPath('build-once.mjs')], { env }).then((r) => r.stdout.trim())
    const paths = await Promise.all([ask(), ask(), ask(), ask()])
    const builders = fs.readFileSync(counter, 'utf8').trim().split('\n')
    expect(builders).toHaveLength(1)
    expect(new Set(paths).size).toBe(1)
    expect(fs.readFileSync(path.join(paths[0]!, 'artifact.txt'), 'utf8')).toBe(`built by ${builders[0]}`)
    // nothing left behind: no lock, no half-built directory
    expect(fs.readdirSync(path.dirname(paths[0]!))).toEqual([path.basename(paths[0]!)])
    // other inputs: another artifact, built once more
    const other = await run(process.execPath, [runnerPath('build-once.mjs')], {
      env: { ...env, VERSION: '2' },
    })
    expect(other.stdout.trim()).not.toBe(paths[0])
    expect(fs.readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(2)
  })
})
